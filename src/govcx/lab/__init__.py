"""The user testing laboratory: studies, sessions, findings, launch verdicts."""
