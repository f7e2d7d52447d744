"""The sidebar: which parameters the browser exposes, with what ranges and labels.

Only the parameters that decide the regime and switch the mechanisms are exposed;
everything else stays at its `Params` default so the browser runs the documented
baseline. Ranges stay inside `Params` validation, and sizes stay small enough that a
step renders quickly (larger economies work with a higher render interval).

Each entry follows Mesa 3.3's ``model_params`` format; SolaraViz's Reset passes the
current values to ``VizModel(**values)``.
"""

from __future__ import annotations

from typing import Any

from abm.params import Params

# default app size: a step plus a full redraw of every panel stays well under a second
DEFAULT_WORKERS = 2000
DEFAULT_FIRMS = 50
DEFAULT_SEED = 1

_DEFAULTS = Params()

# name -> (label, min, max, step); the value defaults to Params()
_FLOAT_SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "xi": ("ξ rent sharing", 0.0, 1.0, 0.05),
    "eta0": ("η0 commodity AI", 0.0, 3.0, 0.1),
    "eta1": ("η1 proprietary AI", 0.0, 3.0, 0.1),
    "psi": ("ψ AI asset intensity", 0.0, 3.0, 0.1),
    "asset_gini": ("Gini(K) assets", 0.0, 0.95, 0.05),
    "sigma": ("σ task substitution", 0.2, 6.0, 0.2),
    # odd tenths only: rho = 0 is not a valid CES curvature
    "rho": ("ρ CES curvature", -1.9, 0.9, 0.2),
    "ai_growth": ("g AI speed (1/yr)", 0.0, 1.5, 0.05),
    "signal_noise": ("signal noise", 0.0, 2.0, 0.1),
    "retooling_rate": ("retooling (1/yr)", 0.0, 1.0, 0.05),
    "skill_return_spread": ("skill returns by task", -0.9, 0.9, 0.1),
    "industry_concentration": ("industry concentration", 0.0, 1.0, 0.1),
}
# labels are short so the sliders keep their width in the sidebar; docs/VIZ.md and
# the regime panel spell each parameter out

TECHNOLOGIES = ["additive", "ces", "multiplicative"]


def model_params(**values: Any) -> dict[str, Any]:
    """Mesa ``model_params`` for the sidebar, optionally with other starting values.

    Args:
        **values: starting values that replace the defaults (e.g. ``n_workers=5000``),
            so tests and the command line can open the app at another size.

    Returns:
        Mapping from `VizModel` keyword to a Mesa input spec or a fixed value.
    """
    start = {name: getattr(_DEFAULTS, name) for name in _FLOAT_SLIDERS}
    start.update(augmentation=_DEFAULTS.augmentation, n_workers=DEFAULT_WORKERS,
                 n_firms=DEFAULT_FIRMS, seed=DEFAULT_SEED)
    unknown = set(values) - set(start)
    if unknown:
        raise ValueError(f"no sidebar control for {sorted(unknown)}")
    start.update(values)

    spec: dict[str, Any] = {}
    for name, (label, lo, hi, step) in _FLOAT_SLIDERS.items():
        spec[name] = {"type": "SliderFloat", "value": float(start[name]), "min": lo,
                      "max": hi, "step": step, "label": label}
        if name == "sigma":  # the technology choice sits next to its curvature rho
            spec["augmentation"] = {"type": "Select", "value": start["augmentation"],
                                    "values": TECHNOLOGIES,
                                    "label": "within-task technology (ρ applies to ces)"}
    spec["n_workers"] = {"type": "SliderInt", "value": int(start["n_workers"]), "min": 500,
                         "max": 20_000, "step": 500, "label": "workers"}
    spec["n_firms"] = {"type": "SliderInt", "value": int(start["n_firms"]), "min": 10,
                       "max": 400, "step": 10, "label": "firms"}
    spec["seed"] = {"type": "InputText", "value": str(start["seed"]),
                    "label": "seed (integer; blank = new)"}
    # fixed: the app reads arrays only (see VizModel)
    spec["agents"] = False
    return spec


def control_names() -> list[str]:
    """Names of all user-adjustable controls, in sidebar order."""
    return [k for k, v in model_params().items() if isinstance(v, dict)]


def initial_values(spec: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments a `model_params` spec starts the model with."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in spec.items()}
