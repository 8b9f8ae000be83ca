"""Every chart of the kit, drawn one way: :class:`matplotlib.figure.Figure` objects in
the report style of :mod:`~csmaturity.plotting.style`, exported as SVG by
:func:`~csmaturity.plotting.export.figure_svg`.

Charts take computed results (never raw files) and compute nothing a report shows
as a number. Nothing here changes matplotlib's global state.
"""
