"""The production settings plus the benchmark floor's URL (make load): the floor is measured in the same run."""

from hmicfrs_mou.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.floor_urls"
