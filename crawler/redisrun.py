"""A distributed run's shared state in Redis: keys, the leased request queue, records.

One Redis holds, per run (keys under ``scamlines:run<ID>:``): the frontier (a scrapy-redis
priority queue, the ``requests`` sorted set), the duplicate filter (``dupefilter``), the seeds
not yet scheduled (``seeds``), the leases of requests a worker is fetching (``leases`` and
``leasedata``), the page records on their way to the recorder (the ``records`` stream), the
run-wide page count (``pages``), the run's crawl settings (``config``) and its ``done`` flag;
``scamlines:current`` names the run workers join.

scrapy-redis pops a request destructively, so a worker killed mid-page would lose it
(ecosystem.md §2.1, pitfall 4). :class:`LeasedQueue` pops into a lease instead: the request
stays in Redis, with a deadline, until the recorder has committed its page (or the worker
reports it failed); :func:`requeue_expired` puts leases past their deadline back in the queue.
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

#: Leases past their deadline back into the queue: KEYS queue, leases, leasedata, leasescore;
#: ARGV now. Returns how many.
_REQUEUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, id in ipairs(ids) do
  local data = redis.call('HGET', KEYS[3], id)
  if data then redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], id), data) end
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
end
return #ids
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


def requeue_expired(client: Any, keys: RunKeys, now: float | None = None) -> int:
    """Put requests whose lease ran out (their worker died) back in the queue."""
    moved = client.eval(_REQUEUE, 4, *lease_keys(keys)[:4], time.time() if now is None else now)
    return int(moved)


def pending_work(client: Any, keys: RunKeys) -> int:
    """Requests queued or leased, seeds not yet scheduled, and records not yet recorded."""
    pipe = client.pipeline()
    pipe.zcard(keys.requests)
    pipe.zcard(keys.leases)
    pipe.get(keys.seeds_pending)  # seeds not yet in the queue (a worker may hold them)
    pipe.xlen(keys.records)
    return sum(int(n or 0) for n in pipe.execute())
