"""Fake platform APIs for the publishing tests: real HTTP servers on 127.0.0.1.

They follow the platforms' documented endpoints, bodies and headers, record
every request that arrived, and can be told to answer the next requests with a
fault (429 with the platform's reset header, 5xx, 401).
"""
