"""Reports made elsewhere (a draft in Word, a published web page, a PDF, copied text): read into
one neutral document, find the parts and the three tables, and check them with the same rules
as the workbooks (`xxgk review`)."""
