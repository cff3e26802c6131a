"""Use cases of the lab: the only writers of studies, tasks, quotas, participants, consent, incentives,
sessions, attempts, observations, findings and questionnaire answers. Callers import the submodule:

- `study`: studies, re-tests, tasks and quotas;
- `participant`: recruitment, consent, incentives, withdrawal;
- `session`: sessions, personal links, attempts, questionnaires, recordings and the participant's own page;
- `finding`: observations and findings;
- `imports`: attempts recorded elsewhere, from a CSV/XLSX file.

Every staff use case takes `actor`, requires Action.RUN_LAB and, inside its transaction, re-selects the study
and the object it changes through the lab's scope (another organisation's object is NotFound). The
participant-facing use cases of an unmoderated session (`take_*`) are scoped by the personal link's token.
"""
