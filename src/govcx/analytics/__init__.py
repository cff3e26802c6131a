"""The one place that opens analytic engines: the Parquet fact store and Ibis backends (DuckDB, Spark)."""
