"""The parts of the HTML report: safe markup, wording, number formats, SVG charts, sections.

``driftplane.local.report`` assembles them into one self-contained page; each module here
has one job so the wording can change without touching the charts and the other way round.
The CSS and the small script are plain files beside these modules, inlined at render time.
"""
