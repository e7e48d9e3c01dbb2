"""The worker's entry point: the RQ worker that runs queued jobs in an app context, and the
recurring schedule. Each job lives beside the use case it runs (``@job`` in
``localvision.job_queue``)."""
