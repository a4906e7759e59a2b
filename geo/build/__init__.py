"""`python -m geo build`: regenerate the committed files under data/ from registry packages.

Each step has one shape: load its sources, process them, save them. Every assumption about a source is
checked, and a source that no longer looks as expected stops the build with `SourceChanged`.
"""
