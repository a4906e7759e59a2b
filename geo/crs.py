"""Coordinate reference systems, named once.

Data are stored in WGS84 (GeoJSON's CRS). Areas are measured in an equal-area CRS and distances and buffers
in a local azimuthal equal-area projection centred on Nagorno-Karabakh, where metres are metres to well
under 0.1% across the region.
"""
from pyproj import CRS

WGS84 = CRS.from_epsg(4326)
EQUAL_AREA = CRS.from_epsg(6933)
LOCAL_METRIC = CRS.from_proj4("+proj=laea +lat_0=39.8 +lon_0=46.7 +datum=WGS84 +units=m +no_defs")
