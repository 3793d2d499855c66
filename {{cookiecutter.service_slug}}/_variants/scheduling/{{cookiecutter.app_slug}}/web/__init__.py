"""The scheduler's web pages: server-rendered views, their forms, and the page builders that
shape selectors' reads for the templates."""
