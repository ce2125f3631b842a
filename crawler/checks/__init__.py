"""One page at a time: ``check`` (files and single URLs) and ``eval`` (a labelled corpus).

* :mod:`.check` reads files or fetches single URLs through the network guard and analyses each;
* :mod:`.evaluate` measures the detector against a folder of labelled pages.

No Scrapy and no store here: these are the analyst's quick, one-off questions.
"""
