"""Which self-scores the evidence contradicts: each rule of the questionnaire (`contradictions`) against the
evidence gathered from the other areas for the authority and the rule's window.

A rule flags a function when the authority scored it at least `min_level` and the evidence is known and below the
rule's threshold. Missing evidence (no training roster, say) flags nothing: it is shown as missing, never as zero.

Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from govcx.practices.questionnaire import ContradictionRule, Questionnaire

#: (evidence kind, window in quarters) -> value, or None when the evidence is missing.
EvidenceKey = tuple[str, int]


@dataclass(frozen=True)
class Flag:
    function: str
    level: int  # the self-score the evidence contradicts
    evidence: str
    window_quarters: int
    value: float
    threshold: float
    reason_en: str
    reason_ru: str

    def reason(self, language: str) -> str:
        return self.reason_ru if language.startswith("ru") else self.reason_en

    def as_dict(self) -> dict[str, object]:
        return {"function": self.function, "level": self.level, "evidence": self.evidence,
                "window_quarters": self.window_quarters, "value": self.value, "threshold": self.threshold,
                "reason_en": self.reason_en, "reason_ru": self.reason_ru}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Flag:
        return cls(function=str(data["function"]), level=int(str(data["level"])), evidence=str(data["evidence"]),
                   window_quarters=int(str(data["window_quarters"])), value=float(str(data["value"])),
                   threshold=float(str(data["threshold"])), reason_en=str(data["reason_en"]),
                   reason_ru=str(data["reason_ru"]))


def evidence_needed(questionnaire: Questionnaire) -> set[EvidenceKey]:
    """The evidence the questionnaire's rules read, so the gatherer fetches only that."""
    return {(rule.evidence, rule.window_quarters) for rule in questionnaire.contradictions}


def rule_flags(rule: ContradictionRule, level: int | None, value: float | None) -> Flag | None:
    if level is None or level < rule.min_level or value is None or value >= rule.below:
        return None
    return Flag(function=rule.function, level=level, evidence=rule.evidence, window_quarters=rule.window_quarters,
                value=value, threshold=rule.below, reason_en=rule.reason.en, reason_ru=rule.reason.ru)


def contradictions(questionnaire: Questionnaire, levels: Mapping[str, int],
                   evidence: Mapping[EvidenceKey, float | None]) -> list[Flag]:
    """Every flag, in the questionnaire's order of functions, then of rules.

    `levels` are the self-scores by function code; `evidence` the values by (kind, window)."""
    order = {code: i for i, code in enumerate(questionnaire.function_codes)}
    flags = []
    for rule in questionnaire.contradictions:
        flag = rule_flags(rule, levels.get(rule.function), evidence.get((rule.evidence, rule.window_quarters)))
        if flag is not None:
            flags.append(flag)
    return sorted(flags, key=lambda f: order.get(f.function, len(order)))


def mean_level(levels: Mapping[str, int], functions: tuple[str, ...]) -> float | None:
    """The mean level over the questionnaire's functions; None unless every function has a level."""
    if not functions or any(code not in levels for code in functions):
        return None
    return sum(levels[code] for code in functions) / len(functions)
