/** A 2-D point in pixel coordinates (x right, y down). */
export type Point = readonly [number, number];

/** Row-major 2×3 affine matrix [m00, m01, m02, m10, m11, m12]: x' = m00·x + m01·y + m02, y' = m10·x + m11·y + m12. */
export type Affine2x3 = [number, number, number, number, number, number];
