#include "geo/sphere.h"

#include <math.h>

/* M_PI is not C11 and _POSIX_C_SOURCE does not provide it. */
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

int rrd__geo_point(double lat, double lon, rrd_geo_point *out)
{
	/* NaN fails every comparison, so test finiteness explicitly. */
	if (!isfinite(lat) || !isfinite(lon))
		return -1;
	if (lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0)
		return -1;
	double phi = lat * DEG_TO_RAD;
	double lambda = lon * DEG_TO_RAD;
	double c = cos(phi);
	out->x = c * cos(lambda);
	out->y = c * sin(lambda);
	out->z = sin(phi);
	return 0;
}

double rrd__geo_chord2(const rrd_geo_point *a, const rrd_geo_point *b)
{
	double dx = a->x - b->x;
	double dy = a->y - b->y;
	double dz = a->z - b->z;
	return dx * dx + dy * dy + dz * dz;
}

double rrd__geo_km_from_chord2(double chord2)
{
	if (!(chord2 > 0.0))
		return chord2 == 0.0 ? 0.0 : NAN;
	double h = sqrt(chord2) / 2.0;
	/* Rounding can push antipodal chords a hair past 2; asin would give NaN. */
	if (h > 1.0)
		h = 1.0;
	return 2.0 * RRD_GEO_EARTH_RADIUS_KM * asin(h);
}

double rrd__geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	rrd_geo_point a, b;
	if (rrd__geo_point(lat1, lon1, &a) < 0 || rrd__geo_point(lat2, lon2, &b) < 0)
		return NAN;
	return rrd__geo_km_from_chord2(rrd__geo_chord2(&a, &b));
}
