"""Use cases of the training programme, the only writers of its models, split by aggregate: the programme and its
courses (`programme`), the roster (`roster_imports`), completions and attitude answers (`completions`), xAPI
statements (`statements`) and reminders (`reminders`)."""
