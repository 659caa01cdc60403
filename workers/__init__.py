"""Service shell (Celery app, tasks, drop-folder watcher, schedules): arrives with the service issue.

Workers will be thin: each task takes a job ID, loads :class:`transcribe.pipeline.Pipeline` once per
process and calls it. No pipeline logic lives here.
"""
