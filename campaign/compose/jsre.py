"""JavaScript's regular-expression classes, for the ports of JavaScript counters (length.py, facets.py)."""

from __future__ import annotations

JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"  # JavaScript's \s
