"""The same results as the plain path, faster: the parse cache, the process pool and reruns
that redo only what changed."""
