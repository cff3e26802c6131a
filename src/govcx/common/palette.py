"""The colours of every govcx chart, so pages, PDFs and areas read the same.

Plain Python, no Django.
"""

from __future__ import annotations

INK = "#0b0c0c"
GOOD = "#00703c"
MID = "#b25e09"
BAD = "#b10e1e"
WORST = "#6b0012"
NEUTRAL = "#505a5f"
BAND = "#b1b4b6"  # intervals drawn as areas, and the lightest step of a severity scale

#: Score bands of a 0–100 score (good ≥ 80, mid ≥ 50, bad below).
SCORE_BANDS = {"good": GOOD, "mid": MID, "bad": BAD}
#: A five-step severity scale from least to most severe (usability severities 0–4).
SEVERITY_SCALE = (BAND, NEUTRAL, MID, BAD, WORST)
#: Accessibility-audit impact levels (axe-core), most severe first.
IMPACT_COLOURS = {"critical": WORST, "serious": BAD, "moderate": MID, "minor": NEUTRAL}
