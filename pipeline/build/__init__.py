"""One run of the pipeline and the outputs folder it writes."""
