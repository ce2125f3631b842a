"""Exports and takedown packages rendered from the store (``scamlines report`` / ``takedown``).

``reports`` reads the store only through :mod:`crawler.store`'s public methods. Modules:

``rows``        one row per finding and number, with every field an analyst filters on
``csvsafe``     spreadsheet-safe CSV cells (the OWASP formula rule)
``exports``     CSV and JSON Lines
``html``        the self-contained HTML report (autoescaped, CSP, no external loads)
``markdown``    the Markdown summary (escaped, addresses defanged)
``misp``        MISP events via PyMISP (imported lazily)
``takedown``    per-site and per-number notice packages with their evidence
``carriers``    where a notice about a number goes (toll-free RespOrg, carrier, FTC)
``rdap``        the optional RDAP abuse-contact look-up
``packaging``   manifest.json and SHA256SUMS
``context``     finding the number inside its context snippet
``templating``  the Jinja2 environments for ``reports/templates/``

Submodules are imported where needed, so that one export does not pay for the others.
"""
