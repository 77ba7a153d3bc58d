import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caffeine 2.6.2 measured like memtop's Cache: get on a hit with one thread (10k entries), and the
 * mixed workload of Benchmarks/Sources/CacheWorkload (2 threads, 90 % reads / 10 % writes, Zipf 0.99
 * keys over 1M, bound 100k). Prints {@code peer=... scenario=... key=value ...} lines.
 */
public final class CachePeers {
    static final int CAPACITY = 100_000;
    static final int KEY_SPACE = 1_000_000;
    static final int OPS_PER_THREAD = 2_000_000;

    static int[] zipfKeys(int count, long seed) {
        double[] cdf = new double[KEY_SPACE];
        double total = 0;
        for (int rank = 0; rank < KEY_SPACE; rank++) {
            total += 1 / Math.pow(rank + 1, 0.99);
            cdf[rank] = total;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] keys = new int[count];
        for (int i = 0; i < count; i++) {
            double target = random.nextDouble() * total;
            int low = 0, high = KEY_SPACE - 1;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (cdf[middle] < target) low = middle + 1; else high = middle;
            }
            keys[i] = (int) (((long) low * 2_654_435_761L) % KEY_SPACE);
        }
        return keys;
    }

    static void getHit() {
        Cache<Integer, Integer> cache = Caffeine.newBuilder().maximumSize(10_000).build();
        Integer[] boxed = new Integer[10_000];
        for (int i = 0; i < boxed.length; i++) { boxed[i] = i; cache.put(i, i); }
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 7; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < 10_000_000; i++) sink += cache.getIfPresent(boxed[i % 10_000]);
            best = Math.min(best, (System.nanoTime() - start) / 10_000_000.0);
        }
        System.out.printf("peer=caffeine-2.6.2 scenario=get-hit ns_per_op=%.1f sink=%d%n", best, sink & 1);
    }

    static long usedMemory() {
        for (int i = 0; i < 3; i++) System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    static void mixed() throws Exception {
        int[][] keys = {zipfKeys(OPS_PER_THREAD, 1), zipfKeys(OPS_PER_THREAD, 2)};
        long before = usedMemory();
        Cache<Integer, Integer> cache = Caffeine.newBuilder().maximumSize(CAPACITY).build();
        for (int i = 0; i < CAPACITY * 3; i++) cache.put(keys[0][i], keys[0][i]);
        cache.cleanUp();
        long bytesPerEntry = (usedMemory() - before) / Math.max(1, cache.estimatedSize());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong worst = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (!stop.get()) {
                worst.accumulateAndGet(cache.estimatedSize() - CAPACITY, Math::max);
                try { Thread.sleep(1); } catch (InterruptedException e) { return; }
            }
        });
        watcher.start();
        long[][] samples = new long[2][];
        long[] hits = new long[2];
        long[] reads = new long[2];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < 2; t++) {
            final int task = t;
            Thread worker = new Thread(() -> {
                int[] mine = keys[task];
                long[] timings = new long[mine.length / 16 + 1];
                int sampled = 0;
                for (int i = 0; i < mine.length; i++) {
                    boolean timed = (i & 15) == 0;
                    long t0 = timed ? System.nanoTime() : 0;
                    Integer key = mine[i];
                    if (i % 10 == 0) cache.put(key, key);
                    else { reads[task]++; if (cache.getIfPresent(key) != null) hits[task]++; }
                    if (timed) timings[sampled++] = System.nanoTime() - t0;
                }
                samples[task] = java.util.Arrays.copyOf(timings, sampled);
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) worker.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        watcher.join();
        long[] all = new long[samples[0].length + samples[1].length];
        System.arraycopy(samples[0], 0, all, 0, samples[0].length);
        System.arraycopy(samples[1], 0, all, samples[0].length, samples[1].length);
        java.util.Arrays.sort(all);
        System.out.printf(
            "peer=caffeine-2.6.2 scenario=mixed ops_per_s=%d p99_ns=%d bytes_per_entry=%d overshoot=%d hit_ratio=%.3f%n",
            (long) (2L * OPS_PER_THREAD / elapsed), all[(int) (all.length * 0.99)], bytesPerEntry,
            Math.max(0, worst.get()), (hits[0] + hits[1]) / (double) (reads[0] + reads[1]));
    }

    public static void main(String[] args) throws Exception {
        getHit();
        mixed();
        System.exit(0);
    }
}
