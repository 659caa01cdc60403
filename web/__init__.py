"""The web app (FastAPI, server-rendered pages) over the service's registry and the library: officers upload
and check their notes, supervisors review and download, administrators manage accounts and read the audit trail.
"""
