/*
 * Points on the Earth as unit vectors, and the one distance key every
 * nearest-neighbour search compares.
 *
 * Searches compare squared chord lengths rather than great-circle distances:
 * the chord is monotone in the great-circle distance, needs no trigonometry
 * per comparison, and is the plain 3-D Euclidean distance a k-d tree prunes
 * with. Kilometres are derived from it only for display.
 */
#ifndef RRD_GEO_SPHERE_H
#define RRD_GEO_SPHERE_H

/* A unit vector: x towards lat 0 lon 0, y towards lat 0 lon 90 E, z to the north pole. */
typedef struct rrd_geo_point {
	double x, y, z;
} rrd_geo_point;

/* Mean Earth radius (IUGG R1), in km. */
#define RRD_GEO_EARTH_RADIUS_KM 6371.0088

/*
 * Latitude and longitude in degrees to a unit vector.
 * Returns 0, or -1 (and leaves *out alone) when lat is outside [-90, 90],
 * lon outside [-180, 180], or either is NaN or infinite. Records no error:
 * the caller knows which record or agent the coordinates belong to.
 */
int rrd__geo_point(double lat, double lon, rrd_geo_point *out);

/*
 * Squared chord length between two unit vectors, in [0, 4].
 *
 * This is the comparison key everywhere: a k-d tree and a brute-force scan
 * that both call it get bit-identical values, so ties compare equal in both.
 * Symmetric bit for bit: chord2(a, b) == chord2(b, a). Evaluated as
 * (dx*dx + dy*dy) + dz*dz; the k-d tree's pruning bound relies on that order.
 */
double rrd__geo_chord2(const rrd_geo_point *a, const rrd_geo_point *b);

/* Great-circle distance in km for a squared chord: 2R asin(sqrt(c2) / 2). */
double rrd__geo_km_from_chord2(double chord2);

/* Great-circle distance in km between two lat/lon pairs in degrees; NaN when
 * either pair is rejected by rrd__geo_point. */
double rrd__geo_distance_km(double lat1, double lon1, double lat2, double lon2);

#endif
