"""Score a model's predictions of right answers against what the simulated learners did."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Sequence

from .mastery import Parameters, estimate
from .model import Question
from .progress import LearnerState

class Predictions:
    """Predicted chances of a right answer against what happened: AUC, log loss, calibration."""

    BINS = 10

    def __init__(self) -> None:
        self.by_value: Counter = Counter()  # (rounded prediction, outcome) -> count
        self.n = 0
        self.log_loss_sum = 0.0
        self.brier_sum = 0.0
        self.bin_n = [0] * self.BINS
        self.bin_pred = [0.0] * self.BINS
        self.bin_right = [0] * self.BINS

    def add(self, p: float, right: bool) -> None:
        """Record one prediction and its outcome."""
        self.by_value[(round(p, 4), right)] += 1
        self.n += 1
        q = min(max(p, 1e-6), 1 - 1e-6)
        self.log_loss_sum -= math.log(q if right else 1 - q)
        self.brier_sum += (p - right) ** 2
        b = min(int(p * self.BINS), self.BINS - 1)
        self.bin_n[b] += 1
        self.bin_pred[b] += p
        self.bin_right[b] += right

    def merge(self, other: "Predictions") -> None:
        """Add another set of predictions to this one."""
        self.by_value.update(other.by_value)
        self.n += other.n
        self.log_loss_sum += other.log_loss_sum
        self.brier_sum += other.brier_sum
        for b in range(self.BINS):
            self.bin_n[b] += other.bin_n[b]
            self.bin_pred[b] += other.bin_pred[b]
            self.bin_right[b] += other.bin_right[b]

    def auc(self) -> float:
        """Return the area under the ROC curve (ties, to 4 decimals, count half)."""
        values = sorted({v for v, _ in self.by_value})
        positives = sum(c for (v, r), c in self.by_value.items() if r)
        negatives = self.n - positives
        if not positives or not negatives:
            return float("nan")
        below = 0
        total = 0.0
        for v in values:
            pos, neg = self.by_value.get((v, True), 0), self.by_value.get((v, False), 0)
            total += pos * (below + neg / 2)
            below += neg
        return total / (positives * negatives)

    def summary(self) -> dict:
        """Return the figures as plain data."""
        bins = []
        ece = 0.0
        for b in range(self.BINS):
            n = self.bin_n[b]
            if not n:
                continue
            pred, seen = self.bin_pred[b] / n, self.bin_right[b] / n
            ece += n * abs(pred - seen)
            bins.append({"bin": f"{b / self.BINS:.1f}-{(b + 1) / self.BINS:.1f}", "n": n,
                         "predicted": round(pred, 4), "observed": round(seen, 4)})
        n = max(self.n, 1)
        return {"answers": self.n, "auc": round(self.auc(), 4), "log_loss": round(self.log_loss_sum / n, 4),
                "brier": round(self.brier_sum / n, 4), "calibration_error": round(ece / n, 4),
                "calibration": bins}


def auc(predictions: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Return the rank-based AUC (Mann-Whitney) of predictions against outcomes, ties counted half."""
    pairs = sorted(zip(predictions, outcomes))
    positives = sum(1 for _, o in pairs if o)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their average
        rank_sum += mid_rank * sum(1 for _, o in pairs[i:j] if o)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def predicted_right(state: LearnerState, params: Parameters, question: Question, now: datetime) -> float:
    """Return a model's chance of a right answer: P(know)(1 - slip) + (1 - P(know)) guess."""
    skill_params = params.for_skill(question.skill)
    p = estimate(state.skill(question.skill, params), skill_params, now)
    return p * (1 - params.slip_for(question)) + (1 - p) * params.guess_for(question)
