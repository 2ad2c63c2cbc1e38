/**
 * Seeded randomness for the scenario generator: mulberry32 and the few distributions it needs.
 * Never Math.random: the fixtures must come out byte-identical on every run.
 */

/** mulberry32 (Tommy Ettinger's 32-bit generator): small, fast, good enough for fixtures. */
export function mulberry32(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Random {
  constructor(seed) {
    this.next = mulberry32(seed)
    this.spare = null
  }

  uniform(low = 0, high = 1) {
    return low + (high - low) * this.next()
  }

  /** An integer in [low, high]. */
  int(low, high) {
    return low + Math.floor(this.next() * (high - low + 1))
  }

  chance(p) {
    return this.next() < p
  }

  /** Standard normal (Box–Muller, keeping the second value). */
  normal() {
    if (this.spare !== null) {
      const value = this.spare
      this.spare = null
      return value
    }
    let u = this.next()
    while (u === 0) u = this.next()
    const v = this.next()
    const radius = Math.sqrt(-2 * Math.log(u))
    this.spare = radius * Math.sin(2 * Math.PI * v)
    return radius * Math.cos(2 * Math.PI * v)
  }

  lognormal(median, sigma) {
    return median * Math.exp(sigma * this.normal())
  }

  /** Poisson count: Knuth's product method for small means, a rounded normal for large ones. */
  poisson(mean) {
    if (mean <= 0) return 0
    if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()))
    const limit = Math.exp(-mean)
    let k = 0
    let product = this.next()
    while (product > limit) {
      k++
      product *= this.next()
    }
    return k
  }

  /** Failures before the first success: 0 with probability p. */
  geometric(p, max) {
    let k = 0
    while (k < max && !this.chance(p)) k++
    return k
  }

  /** Fisher–Yates, in place. */
  shuffle(items) {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      const held = items[i]
      items[i] = items[j]
      items[j] = held
    }
    return items
  }
}
