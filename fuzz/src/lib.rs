//! Shared code of the fuzz targets.
