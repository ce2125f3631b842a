"""Scrapy settings for the scamlines crawler.

Found by ``scrapy.cfg`` (``default = crawler.settings``) when running ``scrapy crawl
scamlines`` from the repository root; ``scamlines crawl`` loads this module explicitly
(``crawler.runner.build_settings``) so it works from any directory, cron included.

Values here are the defaults for a careful crawl of hostile pages. ``SCAMLINES_*`` settings
are read in one place, :class:`crawler.config.CrawlConfig`.

Scrapy settings reference: https://docs.scrapy.org/en/latest/topics/settings.html
"""

from __future__ import annotations

from importlib import metadata


def _version() -> str:
    try:
        return metadata.version("scamlines")
    except metadata.PackageNotFoundError:  # running from a source checkout
        return "dev"


BOT_NAME = "scamlines"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Identity and politeness -----------------------------------------------------------------
# https://docs.scrapy.org/en/latest/topics/practices.html#avoiding-getting-banned

# Crawl responsibly by identifying yourself. Operators should replace the contact URL with
# their own (``--user-agent`` or this setting); site owners use it to reach whoever crawls.
USER_AGENT = (
    f"scamlines/{_version()} (+https://example.org/scamlines-contact; fake support number research)"
)

# robots.txt is obeyed on crawls; ``--ignore-robots`` is an explicit, logged choice.
ROBOTSTXT_OBEY = True

# Per-site politeness: one or two requests in flight per site, adaptive delay.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5

# https://docs.scrapy.org/en/latest/topics/autothrottle.html
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5

# --- Safety ----------------------------------------------------------------------------------
# https://docs.scrapy.org/en/latest/topics/security.html

# Only http(s) goes out. ``file:`` is served by our own handler, which reads nothing outside
# the folders given as seeds (SCAMLINES_FILE_ROOTS; none unless the seeds are local files).
DOWNLOAD_HANDLERS = {
    "file": "crawler.filehandler.RootedFileDownloadHandler",
    "data": None,
    "s3": None,
    "ftp": None,
}

DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100) so a refused host is never even asked for its robots.txt, and
    # before everything that could turn a request into a connection.
    "crawler.middlewares.NetworkGuardMiddleware": 70,
    # A resumed crawl serves pages it already recorded from the store instead of the network.
    "crawler.middlewares.ReplayMiddleware": 80,
    # Just above HttpCompressionMiddleware (590): a page over DOWNLOAD_MAXSIZE keeps its
    # beginning (page_truncated) instead of being dropped from the crawl.
    "crawler.sizecap.PageSizeCapMiddleware": 595,
    # Scrapy's decompression, but a gzip page over the cap keeps its beginning too.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.sizecap.TruncatingCompressionMiddleware": 590,
}

# Resolve names through our resolver: ``--resolve HOST=ADDR`` pins, and the DNS cache that
# the guard's check and the later connection share (one answer per name per crawl).
TWISTED_DNS_RESOLVER = "crawler.resolver.PinnedResolver"
DNSCACHE_ENABLED = True
DNS_TIMEOUT = 10

# Hard caps on what one response may cost. A body over DOWNLOAD_MAXSIZE is cut there and its
# beginning analysed (crawler.sizecap, reason page_truncated). It also applies after
# decompression, where gzip/deflate is cut at the cap too (crawler.sizecap) and brotli/zstd
# over it refused: a decompression bomb never costs more than a page at the cap.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
REDIRECT_MAX_TIMES = 5
METAREFRESH_MAXDELAY = 30
URLLENGTH_LIMIT = 2083

# Depth and pages bound link traps (an endless calendar); the run time bounds everything.
DEPTH_LIMIT = 3
DEPTH_PRIORITY = 1  # with FIFO queues: breadth-first, seeds' own pages before deep ones
DEPTH_STATS_VERBOSE = True
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Ctrl-C and SIGTERM give up the downloads in flight instead of waiting for them
# (crawler.stopping); --resume fetches them again.
DOWNLOADER = "crawler.stopping.StoppableDownloader"

# https://docs.scrapy.org/en/latest/topics/extensions.html#closespider
CLOSESPIDER_TIMEOUT = 3600
CLOSESPIDER_ERRORCOUNT = 100

# Do not tell scam sites which pages led us to them.
REFERRER_POLICY = "no-referrer"

# Cookies are not needed to read pages, and Scrapy's cookie middleware would fetch the
# public suffix list over the network on the first Set-Cookie with a Domain attribute.
COOKIES_ENABLED = False

# Code-execution surfaces nobody needs in a crawl.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# 404s and 500s are recorded as pages (with their status) like any other response.
HTTPERROR_ALLOW_ALL = True
RETRY_TIMES = 1

# --- HTTP cache (off; for development and for replaying a crawl) -----------------------------
# Never evidence: captures served from it are marked ``cached``. Responses RetryMiddleware
# would retry are not cached, or a re-run would replay the transient error.
HTTPCACHE_ENABLED = False
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
HTTPCACHE_GZIP = True

# --- Pipeline and extensions -----------------------------------------------------------------

# Each response yields one page item and some links. Scrapy starts CONCURRENT_ITEMS asyncio
# tasks per response to process its output (default 100): measured as the largest single
# cost of the crawl process in benchmarks/crawl.py.
CONCURRENT_ITEMS = 8

ITEM_PIPELINES = {
    "crawler.pipelines.PageLimitPipeline": 100,
    "crawler.pipelines.PagePipeline": 300,
}

EXTENSIONS = {
    "crawler.progress.ProgressReporter": 500,
    # The run-time limit (--timeout) abandons downloads in flight instead of waiting for them.
    "scrapy.extensions.closespider.CloseSpider": None,
    "crawler.stopping.TimeLimit": 0,
}

# --- scamlines -------------------------------------------------------------------------------
# Read and validated by crawler.config.CrawlConfig.from_settings.

SCAMLINES_DB = "scamlines.db"  # a relative path is relative to the current directory
SCAMLINES_DB_TIMEOUT = 30.0  # SQLite busy timeout, seconds
# Allowlist layers: folders (or files) of brand files stacked in order on the bundled data;
# a list, or one string of paths separated by commas. SCAMLINES_ALLOWLIST_BUNDLED = False
# starts from nothing instead of the bundled data.
SCAMLINES_ALLOWLIST: list[str] = []
SCAMLINES_ALLOWLIST_BUNDLED = True
SCAMLINES_SEEDS: list[str] = []  # ``scrapy crawl scamlines -a seeds=URL,URL`` adds to these
SCAMLINES_MAX_PAGES = 1000
SCAMLINES_FOLLOW_LINKS = True  # False: fetch the seeds only (``--depth 0``)
SCAMLINES_FOLLOW_OFFSITE = False
SCAMLINES_ALLOW_HOSTS: list[str] = []  # HOST or HOST:PORT the guard lets through anyway
SCAMLINES_RESOLVE: dict[str, str] = {}  # host name -> address, like curl --resolve
SCAMLINES_RESOLVE_ONLY = False  # True: no DNS at all, only SCAMLINES_RESOLVE names
SCAMLINES_FILE_ROOTS: list[str] = []  # folders file: seeds may be read from
SCAMLINES_DETECTOR_ENABLED = True
SCAMLINES_PAGE_WORKER = True  # analyse and store in a worker process; False: in the crawl
SCAMLINES_STORE_BATCH = 100  # most pages written per transaction
SCAMLINES_BODY_STORE_MAXSIZE = 8 * 1024 * 1024  # larger bodies are hashed, not stored
SCAMLINES_RUN_ID = None  # set by ``scamlines crawl``; unset, the crawl records its own run
SCAMLINES_REPLAY = False  # resuming: serve pages this run already recorded from the store
SCAMLINES_PROGRESS_INTERVAL = 0.0  # seconds between progress lines on stderr; 0: off
# Focused crawling (crawler.linkscore): links scored by anchor text, URL words, brand names
# and the linking page's phone numbers, best first. False: breadth-first, every priority 0.
SCAMLINES_FOCUSED = True
SCAMLINES_SITEMAP_MAX_URLS = 5000  # best-scoring entries kept per sitemap; 0: all
SCAMLINES_RENDER = "auto"  # never | auto | always (crawler.renderhandler); scamlines crawl
# installs scrapy-playwright for it, and "auto" without a Chromium becomes "never"
SCAMLINES_RENDER_TIMEOUT = 15.0  # seconds per rendered page
SCAMLINES_RENDER_MAX_DOM = 4 * 1024 * 1024  # characters of rendered HTML kept
SCAMLINES_RENDER_MAX_SUBREQUESTS = 150  # requests answered for one page

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
