"""Service shell (Celery app, tasks, drop-folder watcher, schedules): arrives with the service issue.

Workers will be thin: each job is two tasks taking a job ID, ``recognise`` then ``publish``, around one
:class:`transcribe.pipeline.Pipeline` per process (models loaded once), with the :class:`transcribe.records.Recognised`
checkpoint (:func:`transcribe.pipeline.save_checkpoint`) in the job's private work folder between them. No
pipeline logic lives here.
"""
