"""Running the platform as a whole: `govcx demo` and `govcx serve`. The top of the app graph: it may use every app."""
