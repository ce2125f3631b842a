"""A distributed run's shared state in Redis: keys, the leased request queue, records.

One Redis holds, per run (keys under ``scamlines:run<ID>:``): the frontier (a scrapy-redis
priority queue, the ``requests`` sorted set), the duplicate filter (``dupefilter``), the seeds
not yet scheduled (``seeds``, and ``seedleases``: seeds a worker took but has not queued yet),
the leases of requests a worker is fetching (``leases`` and ``leasedata``), the page records on
their way to the recorder (the ``records`` stream), the run-wide page count (``pages``, of the
distinct URLs in ``counted``: :data:`COUNT_PAGE`), the
per-domain politeness slots (``slot:<host>`` and ``next:<host>``), the run's crawl settings
(``config``) and its ``done`` flag; ``scamlines:current`` names the run workers join.

scrapy-redis pops a request destructively, so a worker killed mid-page would lose it
(ecosystem.md §2.1, pitfall 4). :class:`LeasedQueue` pops into a lease instead: the request
stays in Redis, with a deadline, until the recorder has committed its page (or the worker
reports it failed); :func:`requeue_expired` puts leases past their deadline back in the queue,
and seeds a dead worker took back in the seed list. :data:`ENQUEUE` marks a request seen and
queues it in one step, so a worker killed in between cannot leave a URL seen but never queued.
The Scrapy side (queue, scheduler, spider, pipeline) is :mod:`crawler.redisworker`, the
recorder :mod:`crawler.recorder`. Nothing here imports Scrapy or writes SQLite.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "CURRENT",
    "RedisRunError",
    "RunKeys",
    "connect",
    "give_back",
    "redact",
    "release",
    "requeue_expired",
]

#: The run workers join (its id).
CURRENT = "scamlines:current"

#: Seconds a worker may hold a request before it is handed to another worker.
LEASE_SECONDS = 60.0


class RedisRunError(Exception):
    """Redis cannot be reached or holds no run to join: a usage error (exit status 2)."""


def redact(url: str) -> str:
    """``redis://user:secret@host:6379/0`` → ``redis://user:***@host:6379/0``."""
    parts = urlsplit(url)
    if parts.password is None and "@" not in parts.netloc:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def connect(url: str) -> Any:
    """A Redis client for ``url`` that answers a PING; raises :class:`RedisRunError`."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        client.ping()
    except (redis.RedisError, ValueError, OSError) as err:
        raise RedisRunError(f"cannot reach Redis at {redact(url)}: {err}") from None
    return client


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one distributed run."""

    run_id: int

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return f"scamlines:run{self.run_id}:{name}"


def write_config(client: Any, keys: RunKeys, config: dict[str, Any]) -> None:
    client.set(keys.config, json.dumps(config))


def read_config(client: Any, keys: RunKeys) -> dict[str, Any]:
    raw = client.get(keys.config)
    if raw is None:
        raise RedisRunError(f"run {keys.run_id} has no configuration in Redis")
    return dict(json.loads(raw))


# --- the leased queue -------------------------------------------------------------------------

#: POP = pop the best request into a lease: KEYS queue, leases, leasedata, leasescore, leaseseq;
#: ARGV deadline. Returns {lease id, data} or nil. Atomic: a request is in exactly one place.
POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return nil end
redis.call('ZREM', KEYS[1], top[1])
local id = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[2], ARGV[1], id)
redis.call('HSET', KEYS[3], id, top[1])
redis.call('HSET', KEYS[4], id, top[2])
return {id, top[1]}
"""

#: Leases past their deadline back into the queue, and leased seeds back into the seed list:
#: KEYS queue, leases, leasedata, leasescore, seeds, seedleases; ARGV now. Returns how many.
_REQUEUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, id in ipairs(ids) do
  local data = redis.call('HGET', KEYS[3], id)
  if data then redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], id), data) end
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
end
local seeds = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', ARGV[1])
for _, seed in ipairs(seeds) do
  redis.call('ZREM', KEYS[6], seed)
  redis.call('RPUSH', KEYS[5], seed)
end
return #ids + #seeds
"""

#: TAKE_SEED = the next seed, leased until it is queued: KEYS seeds, seedleases; ARGV deadline.
TAKE_SEED = """
local seed = redis.call('LPOP', KEYS[1])
if seed then redis.call('ZADD', KEYS[2], ARGV[1], seed) end
return seed
"""

#: ENQUEUE = mark a request seen and queue it, atomically: KEYS dupefilter, queue, seedleases;
#: ARGV fingerprint ('' for dont_filter), score, data, seed URL ('' for none). 1: queued.
ENQUEUE = """
if ARGV[4] ~= '' then redis.call('ZREM', KEYS[3], ARGV[4]) end
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

#: COUNT_PAGE = count a fetched page against the run's page budget, once per URL: KEYS counted
#: (the URLs within the budget), pages (their number); ARGV url, budget (0: none). Returns
#: {count, 1} for a URL newly counted, {count, 0} for one counted before (a page fetched again
#: after its lease expired uses no budget; the recorder stores it once), {count, -1} for a
#: URL over the budget (not counted, so a later copy of it is refused too).
COUNT_PAGE = """
local count = tonumber(redis.call('GET', KEYS[2]) or '0')
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {count, 0} end
local budget = tonumber(ARGV[2])
if budget > 0 and count >= budget then return {count, -1} end
redis.call('SADD', KEYS[1], ARGV[1])
return {redis.call('INCR', KEYS[2]), 1}
"""

#: ACQUIRE = a run-wide per-domain politeness slot: KEYS slot (holders, scored by expiry),
#: next (when the domain may be asked again); ARGV now, concurrency, delay, hold, token.
#: Returns 0 (the slot is held by ``token``) or the seconds to wait, as a string.
ACQUIRE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > now then return tostring(nxt - now) end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return '0.05' end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[5])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[4])) + 1)
local delay = tonumber(ARGV[3])
if delay > 0 then
  redis.call('SET', KEYS[2], tostring(now + delay), 'PX', math.ceil(delay * 1000) + 1)
end
return '0'
"""


def lease_keys(keys: RunKeys) -> list[str]:
    return [keys.requests, keys.leases, keys.leasedata, keys.leasescore, keys.leaseseq]


def release(client: Any, keys: RunKeys, lease_ids: list[int]) -> None:
    """The requests of ``lease_ids`` are done: forget them."""
    if lease_ids:
        pipe = client.pipeline()
        pipe.zrem(keys.leases, *lease_ids)
        pipe.hdel(keys.leasedata, *lease_ids)
        pipe.hdel(keys.leasescore, *lease_ids)
        pipe.execute()


def give_back(client: Any, keys: RunKeys, lease_ids: list[int]) -> None:
    """The requests of ``lease_ids`` were abandoned unfetched (a worker stopped by Ctrl-C or
    SIGTERM): their leases expire now, so the recorder's next poll queues them again."""
    if lease_ids:
        client.zadd(keys.leases, dict.fromkeys(lease_ids, 0), xx=True)


def requeue_expired(client: Any, keys: RunKeys, now: float | None = None) -> int:
    """Put requests whose lease ran out (their worker died) back in the queue, and seeds a
    dead worker took but never queued back in the seed list."""
    names = [*lease_keys(keys)[:4], keys.seeds, keys.seedleases]
    moved = client.eval(_REQUEUE, len(names), *names, time.time() if now is None else now)
    return int(moved)


def pending_work(client: Any, keys: RunKeys) -> int:
    """Requests queued or leased, seeds not yet queued, and records not yet recorded."""
    pipe = client.pipeline()
    pipe.zcard(keys.requests)
    pipe.zcard(keys.leases)
    pipe.llen(keys.seeds)
    pipe.zcard(keys.seedleases)  # taken by a worker, not yet in the queue
    pipe.xlen(keys.records)
    return sum(int(n or 0) for n in pipe.execute())
