/** A binary min-heap: the engine of the k-way merge and of the bounded re-ordering window. */
export class MinHeap<T> {
  private readonly items: T[] = []

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(item: T): void {
    const items = this.items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  pop(): T | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last !== undefined) {
      items[0] = last
      this.siftDown(0)
    }
    return top
  }

  /** Replace the top with a new item (cheaper than pop + push). */
  replaceTop(item: T): void {
    this.items[0] = item
    this.siftDown(0)
  }

  private siftDown(start: number): void {
    const items = this.items
    const n = items.length
    let i = start
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && this.less(items[right]!, items[left]!) ? right : left
      if (!this.less(items[child]!, items[i]!)) break
      ;[items[i], items[child]] = [items[child]!, items[i]!]
      i = child
    }
  }
}
