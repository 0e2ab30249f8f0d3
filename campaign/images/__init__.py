"""Share images: a card for every key figure (national, län, kommun), short
message and demand, in each platform's size, with alt text.

- ``layouts``: card layouts as YAML data (bundled ``layouts.yaml``, campaign overrides)
- ``fit``: measure, wrap and shrink text (pure)
- ``cards``: which cards a campaign has and the words on each
- ``render``: one card at one size → PNG bytes
- ``pipeline``: the content-hash cache, worker processes, the manifest
- ``stage``: the build stage and `campaign images`
- ``theme``: contrast checks, fonts, the palette
- ``sizes``: the platform sizes and limits
"""
