"""A per-run circuit breaker: a service that keeps failing is not asked again in this run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Breaker:
    """Opens after ``threshold`` consecutive failed attempts, or when a request gives up;
    stays open for the rest of the run (the next run asks again).

    An open breaker turns every remaining request of the run into "unknown, ask later" at
    once, instead of each paying the full retry schedule.
    """

    threshold: int = 3
    failures: int = 0
    reason: str | None = None  # why it opened; None while closed

    @property
    def is_open(self) -> bool:
        return self.reason is not None

    def success(self) -> None:
        self.failures = 0

    def failure(self, why: str) -> None:
        """One more failed attempt; opens the breaker at the threshold."""
        self.failures += 1
        if self.failures >= self.threshold:
            self.trip(why)

    def trip(self, why: str) -> None:
        if self.reason is None:
            self.reason = why
