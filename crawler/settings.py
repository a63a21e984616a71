"""Scrapy settings and every project setting (prefix NEWS_), each with its default and why.

Override any of them per run with ``-s NAME=value``; cron, the demo and the tests do.
"""

from crawler import __version__

BOT_NAME = "newsdao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Politeness and safety -------------------------------------------------
# A User-Agent that names the project, so site owners know who is calling.
USER_AGENT = f"newsdao-crawler/{__version__} (+https://github.com/newsdao/newsdao-crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0
# Idle connections kept per host for the next request (crawler/handlers.py); Scrapy's pool kept
# CONCURRENT_REQUESTS_PER_DOMAIN and reopened most. None: CONCURRENT_REQUESTS.
DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.KeepAliveDownloadHandler",
    "https": "crawler.handlers.KeepAliveDownloadHandler",
}
NEWS_CONNECTIONS_PER_HOST = None
DOWNLOAD_TIMEOUT = 30
# News pages are 50-500 KB; 1 GiB (Scrapy's default) only helps a hostile server.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
# Longest Retry-After (seconds) a 429/503 may ask us to wait before its retry; longer: give up.
NEWS_RETRY_AFTER_MAX = 60
# How deep sitemap indexes may nest (index -> index -> urlset is 2): stops sitemap traps.
NEWS_SITEMAP_DEPTH = 3
# Most new articles one source may fetch per run (a source's max_new_per_run overrides it):
# a first run over a large archive sitemap must not hold the cron slot for hours.
NEWS_MAX_ARTICLES_PER_SOURCE = 500
# Links over that budget, and article links that failed, are kept in the archive (`pending`) and
# fetched by the next runs, newest first, even when every entry point answers 304. A failed link
# waits NEWS_PENDING_RETRY_DELAY seconds before its next try, twice as long after each failure,
# and is given up after NEWS_PENDING_MAX_ATTEMPTS failures.
NEWS_PENDING_RETRY_DELAY = 3600
NEWS_PENDING_MAX_ATTEMPTS = 5
# Most stored articles one source may fetch again per run because their feed/sitemap date moved.
NEWS_MAX_REFETCH_PER_SOURCE = 20
# Feed and sitemap entries older than this many days are not fetched (0: no limit).
NEWS_MAX_ARTICLE_AGE_DAYS = 30
# Pages of a listing read per run, page one included, following its own pagination (rel="next",
# "다음", "Next", page numbers); a source's max_listing_pages overrides it. On a source's first
# run (no article of it in the archive yet) at least NEWS_FIRST_RUN_LISTING_PAGES are read.
NEWS_MAX_LISTING_PAGES = 1
NEWS_FIRST_RUN_LISTING_PAGES = 5
# Where `scrapy update` holds its lock (empty: NEWS_DB_PATH + ".lock").
NEWS_LOCK_FILE = ""
# Hours a publication date may lie ahead of now (time-zone slips); later dates are ignored.
NEWS_MAX_FUTURE_SKEW = 2
# Longest headline kept, in characters; longer ones are cut at a word with an ellipsis.
NEWS_MAX_TITLE_LENGTH = 300
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Outputs of one callback handled at once. Scrapy starts this many asyncio tasks for every
# response, whatever it yields: at the default 100 that was a quarter of the crawl process's
# CPU for our one article per page (and a sitemap's requests only need scheduling).
CONCURRENT_ITEMS = 8
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# One line per dropped or failed article (Scrapy's default prints the whole item).
LOG_FORMATTER = "crawler.logformatter.ArticleLogFormatter"
LOG_LEVEL = "INFO"

# Safety middlewares (crawler/middlewares.py): Retry-After instead of Scrapy's retry, a meta
# refresh that cannot raise on javascript:, Korean encodings fixed before the page is read
# (below HttpCompression at 590, for the decoded body), redirects checked before
# RedirectMiddleware (600) follows them.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.GuardedMetaRefreshMiddleware": 580,
    "crawler.middlewares.KoreanEncodingMiddleware": 585,
    "crawler.middlewares.RedirectGuardMiddleware": 650,
}

ITEM_PIPELINES = {
    "crawler.pipelines.normalize.NormalizePipeline": 300,
    "crawler.pipelines.validate.ValidatePipeline": 400,
    "crawler.pipelines.store.StorePipeline": 500,
}

# --- Project settings ------------------------------------------------------
# The sources file (TOML) that declares what to crawl.
NEWS_SOURCES_FILE = "sources.toml"
# The SQLite archive; its folder is created when missing.
NEWS_DB_PATH = "data/news.db"
# Where `scrapy export` writes feeds and posts unless -o is given.
NEWS_EXPORT_DIR = "output"
# How many of the newest articles each feed lists.
NEWS_FEED_LIMIT = 50
# Title and description of the feeds.
NEWS_FEED_TITLE = "flaretime 실시간 뉴스"
NEWS_FEED_DESCRIPTION = "flaretime 실시간 뉴스 속보"
# Language code of the combined feeds.
NEWS_FEED_LANGUAGE = "ko"
# The date part of the feeds' tag: URIs (tag:<site host>,<date>:article:<id>); never change it.
NEWS_FEED_ID_DATE = "2024"
# Text of the link to the original article when a source publishes excerpts only (full_text = false).
NEWS_READ_MORE_TEXT = "원문 보기"

# The publishing site (post format): brand, site URL, default lead image, phrases.
NEWS_BRAND = "flaretime"
NEWS_SITE_URL = "https://newsdao.kr"
NEWS_DEFAULT_IMAGE = "https://newsdao.kr/res/images/meta/newsdao_breakingnews.jpg"
# The heading line of feature_text; {brand} is replaced by NEWS_BRAND.
NEWS_FEATURE_HEADING = "## {brand} 실시간 뉴스 속보입니다."
# Alt text of the lead image in a post body.
NEWS_IMAGE_ALT = "{brand} 속보"
# Words before the footer link to the site.
NEWS_FOOTER_TEXT = "실시간 뉴스 속보는, "
# Attributes the post format puts on headings and paragraphs.
NEWS_HEADING_ATTRS = 'data-ke-size="size26"'
NEWS_PARAGRAPH_ATTRS = 'data-ke-size="size16"'
# Time zone of post dates and file names.
NEWS_POST_TIMEZONE = "Asia/Seoul"
# Dotted path of a function(article dict) -> article dict that rewrites posts; off by default.
NEWS_POST_HOOK = ""
# rel of links in published bodies ("" for none): sources' links are not endorsements.
NEWS_LINK_REL = "nofollow noopener"
# Estimated Jaccard similarity (character 5-grams) from which a longer story is a copy of another.
NEWS_DEDUPE_THRESHOLD = 0.8
# Articles saved per SQLite commit, and the longest an article waits for its commit (seconds):
# one commit per article rewrote the shared index pages each time. A crash loses at most the
# uncommitted batch, which the next run fetches again.
NEWS_STORE_BATCH_SIZE = 100
NEWS_STORE_BATCH_SECONDS = 2.0
# Extraction worker processes (empty: one per core; 0: extract inside the crawl process).
NEWS_EXTRACT_WORKERS = ""
# How long an excerpt taken from the body may be, in characters.
NEWS_EXCERPT_LENGTH = 300

# --- Operator tools (scrapy probe, sources, search) -------------------------
# A status line on stderr while crawling and probing, shown only on a terminal (never in cron).
NEWS_PROGRESS = True
EXTENSIONS = {"crawler.progress.CrawlProgress": 500}
# How many articles `scrapy probe` fetches and shows (-n overrides it).
NEWS_PROBE_ARTICLES = 3

# --- Scale-out on Redis (crawler/distributed/, README "Scale-out on Redis") ---
# Empty: one machine, as above. A redis:// URL: every `scrapy crawl news` / `scrapy update
# --crawl-only` shares one request queue and seen-request filter (scrapy-redis) and hands its
# articles to `scrapy ingest`, the one process that writes the archive.
REDIS_URL = ""
# The add-on that turns REDIS_URL on (it changes nothing while REDIS_URL is empty).
ADDONS = {"crawler.distributed.addon.RedisAddon": 0}
# Prefix of every Redis key: two archives can share one Redis server under two prefixes.
NEWS_REDIS_PREFIX = "newsdao"
# Seconds a crawler may go without a heartbeat before the others count it dead and its
# taken requests as lost (it beats every third of this); also how long after a run is drained
# a crawler that starts late joins it (and ends) instead of starting the next run.
NEWS_REDIS_CRAWLER_TIMEOUT = 30

# --- `scrapy watch`: the crawl that never stops (crawler/watch/, README "Breaking news: watch") ---
# Shortest and longest time between two polls of one entry point (seconds): a source that publishes
# often is polled every NEWS_WATCH_MIN_INTERVAL, a quiet one backs off to NEWS_WATCH_MAX_INTERVAL;
# a sitemap behind a feed that keeps up waits MAX / MIN polls of the feed (crawler/watch/schedule.py).
# A source's `min_interval`, robots.txt Crawl-delay and Retry-After are never undercut.
NEWS_WATCH_MIN_INTERVAL = 30
NEWS_WATCH_MAX_INTERVAL = 900
# How often (seconds) watch looks for due polls and for a finished batch to export.
NEWS_WATCH_TICK = 1.0
# Longest a stored article waits for the export while other polls keep the crawl busy (seconds).
NEWS_WATCH_EXPORT_WAIT = 5.0
# How long watch keeps a host's robots.txt before reading it again (seconds; from 4 x
# NEWS_WATCH_MAX_INTERVAL, an hour by default, to a day).
NEWS_WATCH_ROBOTS_TTL = 6 * 3600
# WebSub (crawler/watch/websub.py): the public URL at which hubs reach watch's callback (empty: no
# WebSub), the address watch listens on for it (behind a reverse proxy), and the lease asked for.
NEWS_WEBSUB_CALLBACK = ""
NEWS_WEBSUB_LISTEN = "127.0.0.1:8089"
NEWS_WEBSUB_LEASE = 86400
# Our own hub (empty: none): every RSS, Atom and JSON feed names it (rel="hub", JSON Feed `hubs`)
# beside its rel="self" URL, and watch pings it (hub.mode=publish) for each feed an export rewrote.
NEWS_WEBSUB_HUB = ""

# --- Logs of `newsdao` commands ---------------------------------------------
# Where `newsdao crawl`, `update`, `probe`, `sources --check` and `ingest` write Scrapy's log unless
# LOG_FILE, --logfile or --loglevel says otherwise, so that the terminal (and cron's mail) shows only
# progress, summaries and errors: "auto" is newsdao.log in the archive's folder (NEWS_DB_PATH), a
# path is that file, "" is stderr. `scrapy` commands log on stderr as Scrapy does; `newsdao`
# makes "auto" its default (crawler/cli.py).
NEWS_LOG_FILE = ""
# The log file is rotated (newsdao.log.1 ... .5) when a run starts and finds it this big (bytes).
NEWS_LOG_MAX_BYTES = 10 * 1024 * 1024

# --- Your settings: a settings file, then NEWS_* environment variables ------
# Keep this block last: a setting defined below it could not be set from the file or environment.
# Every setting above may be set in a TOML file in the working folder (newsdao.toml; the
# environment variable NEWS_SETTINGS_FILE names another), and every NEWS_* one by an environment
# variable of its name; `-s NAME=value` beats both (crawler/config.py). `newsdao settings` lists
# what they change.
import sys  # noqa: E402

from scrapy.settings import default_settings as _scrapy_defaults  # noqa: E402

from crawler import config as _config  # noqa: E402

# Lower case, so not settings: the values above, and where each changed one came from.
defaults = {name: value for name, value in globals().items() if name.isupper()}
try:
    _values, origins = _config.overrides(defaults, set(defaults) | set(dir(_scrapy_defaults)))
except _config.ConfigError as _exc:
    print(_exc, file=sys.stderr)  # one line, for `scrapy` as for `newsdao` (exit 2: a bad configuration)
    raise SystemExit(2) from None
globals().update(_values)
