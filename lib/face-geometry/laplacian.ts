/**
 * Variance of the 4-neighbour Laplacian of a square grey image (row-major, `size`×`size`), the
 * sharpness measure of both the browser worker and the server: motion blur and defocus lower it.
 */
export function laplacianVariance(grey: ArrayLike<number>, size: number): number {
  const n = size;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const lap = grey[i - 1]! + grey[i + 1]! + grey[i - n]! + grey[i + n]! - 4 * grey[i]!;
      sum += lap;
      sumSq += lap * lap;
      count++;
    }
  }
  const mean = sum / count;
  return sumSq / count - mean * mean;
}
