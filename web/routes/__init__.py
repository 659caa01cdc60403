"""One module per area of the web app: auth, jobs, upload, review, admin, ops."""
