"""Item pipelines, one a file: normalize -> validate -> store."""
