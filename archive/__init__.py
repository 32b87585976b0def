"""The archive: PDF/A documents, the event log and its checkpoint, kept on two stores.

``archive.documents`` renders the documents (class journals, summary sheets, progress
printouts) and ``archive.render`` is the only module that imports WeasyPrint.
"""
