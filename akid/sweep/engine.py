"""The search over a space, on Optuna: which variant each trial trains, and which trials stop early.

Optuna's ask/tell interface keeps training out of Optuna's hands: the caller
asks for a trial, trains its concrete graph however it likes (in process for
the CLI, as an ordinary run of the run manager for the server), reports the
objective after every epoch — the pruner may answer "stop" — and tells the
outcome. The study lives in memory for the sweep's lifetime; what must outlive
it (each trial's choices, objective and state) is the caller's record.

Every dimension is suggested as a categorical over *value indices* (values may
be lists, which Optuna's categoricals do not hold) or, for a continuous range,
as a float; the grid sampler gets the same index lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from akid.errors import Issue
from akid.sweep.choices import RANGE
from akid.sweep.space import Space, SweepError, concretize, concretize_config

STRATEGIES = ("grid", "random", "tpe")
#: objective -> direction
OBJECTIVES = {"val/accuracy": "maximize", "val/loss": "minimize", "train/accuracy": "maximize", "train/loss": "minimize"}
MAX_TRIALS = 1000


@dataclass
class Trial:
    number: int
    assignment: dict[str, Any]
    graph: dict[str, Any]
    config: dict[str, Any]
    handle: Any = field(repr=False, default=None)
    state: str = "running"  # running | completed | pruned | cancelled | failed
    objective: float | None = None
    intermediate: dict[int, float] = field(default_factory=dict)
    epochs: int = 1
    error: str | None = None  # why a trial failed
    run_id: str | None = None  # the run that trains it (server sweeps)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "number": self.number,
            "choices": self.assignment,
            "objective": self.objective,
            "state": self.state,
            "intermediate": {str(k): v for k, v in sorted(self.intermediate.items())},
        }
        if self.error:
            out["error"] = self.error
        return out


def objective_value(objective: str, points: list[dict[str, Any]]) -> dict[int, float]:
    """Per epoch, the objective's value among ``metrics`` points (``split``/``name``; ``accuracy``
    also matches per-output names such as ``y/accuracy``, averaged over outputs)."""
    split, _, metric = objective.partition("/")
    sums: dict[int, list[float]] = {}
    for p in points:
        name = str(p.get("name", ""))
        if (
            p.get("split") == split
            and (name == metric or name.endswith("/" + metric))
            and isinstance(p.get("value"), (int, float))
        ):
            sums.setdefault(int(p.get("epoch") or 0), []).append(float(p["value"]))
    return {e: sum(v) / len(v) for e, v in sums.items()}


class Sweep:
    """One search: ``ask()`` the next trial, ``report()`` its epochs, ``tell()`` its end."""

    def __init__(
        self,
        space: Space,
        strategy: str = "random",
        trials: int = 10,
        objective: str = "val/accuracy",
        seed: int = 0,
        prune: bool = True,
    ) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        if strategy not in STRATEGIES:
            raise SweepError(
                [
                    Issue(
                        "bad_strategy",
                        f"strategy must be one of {', '.join(STRATEGIES)}. Received: {strategy!r}",
                        param="strategy",
                    )
                ]
            )
        if objective not in OBJECTIVES:
            raise SweepError(
                [
                    Issue(
                        "bad_objective",
                        f"objective must be one of {', '.join(OBJECTIVES)}. Received: {objective!r}",
                        param="objective",
                    )
                ]
            )
        if not 1 <= int(trials) <= MAX_TRIALS:
            raise SweepError([Issue("bad_trials", f"trials must be in [1, {MAX_TRIALS}]. Received: {trials!r}", param="trials")])
        if strategy == "grid" and space.size == math.inf:
            raise SweepError(
                [
                    Issue(
                        "bad_strategy",
                        "a grid sweep needs finite choices; "
                        f"{', '.join(d.name for d in space.dimensions if d.values is None)} are continuous ranges "
                        "(use random or tpe, or a {a|b|c} choice)",
                        param="strategy",
                    )
                ]
            )
        self.space, self.strategy, self.objective = space, strategy, objective
        self.direction = OBJECTIVES[objective]
        self.trials_wanted = int(min(trials, space.size)) if strategy == "grid" else int(trials)
        grid = {d.name: list(range(len(d.values))) for d in space.dimensions} if strategy == "grid" else None
        sampler = {
            "grid": lambda: optuna.samplers.GridSampler(grid or {"_": [0]}, seed=seed),
            "random": lambda: optuna.samplers.RandomSampler(seed=seed),
            "tpe": lambda: optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(5, max(1, trials // 3))),
        }[strategy]()
        pruner = optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=0) if prune else optuna.pruners.NopPruner()
        self.study = optuna.create_study(direction=self.direction, sampler=sampler, pruner=pruner)
        self.trials: list[Trial] = []

    @property
    def finished(self) -> bool:
        return len(self.trials) >= self.trials_wanted

    def ask(self) -> Trial | None:
        """The next trial (its choices, concrete graph and config), or None when the sweep has asked them all."""
        if self.finished:
            return None
        t = self.study.ask()
        assignment: dict[str, Any] = {}
        for d in self.space.dimensions:
            if d.values is not None:
                assignment[d.name] = d.values[t.suggest_categorical(d.name, list(range(len(d.values))))]
            else:
                lo, hi = d.marker[RANGE]
                assignment[d.name] = t.suggest_float(d.name, float(lo), float(hi), log=bool(d.marker.get("log")))
        trial = Trial(
            len(self.trials),
            assignment,
            concretize(self.space.graph, assignment),
            concretize_config(self.space.config, assignment),
            handle=t,
        )
        trial.epochs = _epochs(trial.config)
        self.trials.append(trial)
        return trial

    def report(self, trial: Trial, epoch: int, value: float) -> bool:
        """Record the objective after ``epoch``; True when the pruner says the trial should stop."""
        if epoch in trial.intermediate or trial.state != "running" or not math.isfinite(value):
            return False
        trial.intermediate[epoch] = value
        trial.handle.report(value, epoch)
        if epoch >= trial.epochs - 1:
            return False  # the last epoch: the trial ends anyway, as a completed one
        return bool(trial.handle.should_prune())

    def tell(self, trial: Trial, value: float | None, state: str) -> None:
        """End ``trial``: completed (with its objective), pruned (stopped early), cancelled or failed."""
        import optuna

        if trial.state != "running":
            return
        trial.state = state
        if state == "completed" and value is not None and math.isfinite(value):
            trial.objective = float(value)
            self._tell(trial.handle, float(value))
        elif state == "pruned":
            trial.objective = trial.intermediate[max(trial.intermediate)] if trial.intermediate else None
            self._tell(trial.handle, state=optuna.trial.TrialState.PRUNED)
        else:
            if state == "completed":  # finished without the objective (e.g. val/accuracy of a regression)
                trial.error = trial.error or f"the run reported no {self.objective}"
            trial.state = "cancelled" if state == "cancelled" else "failed"
            self._tell(trial.handle, state=optuna.trial.TrialState.FAIL)

    def _tell(self, handle: Any, value: float | None = None, state: Any = None) -> None:
        try:
            self.study.tell(handle, value, state=state)
        except RuntimeError as exc:
            # GridSampler.after_trial calls study.stop() once the grid is used up, which only works inside
            # study.optimize; Optuna stores the trial's state in a `finally` before this reaches us.
            if "Study.stop" not in str(exc):
                raise

    def best(self) -> Trial | None:
        done = [t for t in self.trials if t.state == "completed" and t.objective is not None]
        if not done:
            return None
        return (max if self.direction == "maximize" else min)(done, key=lambda t: t.objective)


def _epochs(config: dict[str, Any]) -> int:
    from akid.train.config import load_config

    try:
        return int(load_config(config).epochs)
    except Exception:
        epochs = config.get("epochs") if isinstance(config, dict) else None
        return epochs if isinstance(epochs, int) and epochs >= 1 else 1


def final_objective(objective: str, result: dict[str, Any], seen: dict[int, float]) -> float | None:
    """A finished run's objective: the last epoch's reported value, else the final metrics' mean."""
    if seen:
        return seen[max(seen)]
    split, _, metric = objective.partition("/")
    values = [
        v
        for k, v in (result.get(split) or {}).items()
        if (k == metric or k.endswith("/" + metric)) and isinstance(v, (int, float))
    ]
    return sum(values) / len(values) if values else None
