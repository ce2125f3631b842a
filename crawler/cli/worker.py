"""``scamlines worker``: fetch and analyse for a distributed run (:mod:`crawler.redisworker`)."""

from __future__ import annotations

import sys

import click


@click.command("worker")
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The run's Redis (redis://[:PASSWORD@]HOST:PORT/DB).")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1),
              help="Worker processes on this machine (one per core).")
@click.option("--wait", default=30.0, show_default=True, type=click.FloatRange(0),
              metavar="SECONDS", help="How long to wait for a recorder to start a run.")
def worker_command(redis_url: str, processes: int, wait: float) -> None:
    """Fetch and analyse pages of the distributed run in Redis until it is done.

    Start the run with `scamlines crawl --redis URL SEED...` (the recorder: the only process
    that writes the SQLite store). Workers write nothing locally: each page's record goes back
    through Redis. Ctrl-C or SIGTERM stops it at once, giving the requests in flight back to
    the run's queue. Exit status: 0 when the run is done or the worker was stopped, 1 when
    Redis went away mid-run, 2 when Redis cannot be reached or has no run.
    """
    from crawler.redisrun import RedisRunError

    if processes > 1:  # the workers start at once; this process imports no Scrapy
        from crawler.workerpool import run_processes

        sys.exit(run_processes(redis_url, processes, wait))
    from crawler.redisworker import run_worker

    try:
        sys.exit(run_worker(redis_url, wait=wait))
    except RedisRunError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
