import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * HikariCP and commons-pool2 with do-nothing connections, measured the way memtop's Swift pool
 * benchmarks measure theirs: warm acquire+release on one thread (10 connections), the same with
 * 990 of 1000 leased, and handoff with 1000 threads over 10 connections. Prints one line per result:
 * {@code peer=<name> scenario=<name> ns_per_op=<value>}; the median of several rounds.
 */
public final class PoolPeers {
    interface Peer extends AutoCloseable {
        Object acquire() throws Exception;
        void release(Object connection) throws Exception;
    }

    /** A java.sql.Connection that does nothing (a dynamic proxy returning defaults). */
    static Connection nothingConnection() {
        return (Connection) Proxy.newProxyInstance(
                PoolPeers.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Class<?> type = method.getReturnType();
                    if (method.getName().equals("isValid") || method.getName().equals("getAutoCommit")) return true;
                    if (type == boolean.class) return false;
                    if (type == int.class) return 0;
                    if (type == long.class) return 0L;
                    return null;
                });
    }

    static DataSource nothingDataSource() {
        return (DataSource) Proxy.newProxyInstance(
                PoolPeers.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getConnection": return nothingConnection();
                        case "getLoginTimeout": return 0;
                        case "getLogWriter": return new PrintWriter(System.err);
                        case "getParentLogger": throw new SQLFeatureNotSupportedException();
                        default: return null;
                    }
                });
    }

    static Peer hikari(int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(nothingDataSource());
        config.setMinimumIdle(size);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(600_000);
        config.setPoolName("bench-" + size);
        HikariDataSource ds = new HikariDataSource(config);
        return new Peer() {
            public Object acquire() throws Exception { return ds.getConnection(); }
            public void release(Object c) throws Exception { ((Connection) c).close(); }
            public void close() { ds.close(); }
        };
    }

    static Peer commonsPool(int size) throws Exception {
        GenericObjectPoolConfig<Object> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(size);
        config.setMaxIdle(size);
        config.setMinIdle(size);
        config.setJmxEnabled(false);
        GenericObjectPool<Object> pool = new GenericObjectPool<>(new BasePooledObjectFactory<Object>() {
            public Object create() { return new Object(); }
            public PooledObject<Object> wrap(Object o) { return new DefaultPooledObject<>(o); }
        }, config);
        pool.addObjects(size);
        return new Peer() {
            public Object acquire() throws Exception { return pool.borrowObject(); }
            public void release(Object c) { pool.returnObject(c); }
            public void close() { pool.close(); }
        };
    }

    interface PeerMaker { Peer make(int size) throws Exception; }

    static double warm(Peer peer, long ops) throws Exception {
        long start = System.nanoTime();
        for (long i = 0; i < ops; i++) peer.release(peer.acquire());
        return (System.nanoTime() - start) / (double) ops;
    }

    static double handoff(Peer peer, int threads, int perThread) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    for (int i = 0; i < perThread; i++) peer.release(peer.acquire());
                } catch (Exception e) { throw new RuntimeException(e); }
            });
            thread.start();
            all.add(thread);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : all) thread.join();
        return (System.nanoTime() - start) / (double) (threads * (long) perThread);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static void report(String peer, String scenario, double[] rounds) {
        System.out.printf("peer=%s scenario=%s ns_per_op=%.1f%n", peer, scenario, median(rounds));
    }

    static void measure(String name, PeerMaker maker) throws Exception {
        int rounds = 5;
        double[] results = new double[rounds];
        try (Peer peer = maker.make(10)) {
            warm(peer, 2_000_000);  // JIT warm-up
            for (int r = 0; r < rounds; r++) results[r] = warm(peer, 2_000_000);
            report(name, "warm-10", results);
        }
        try (Peer peer = maker.make(1000)) {
            List<Object> held = new ArrayList<>();
            for (int i = 0; i < 990; i++) held.add(peer.acquire());
            warm(peer, 1_000_000);
            for (int r = 0; r < rounds; r++) results[r] = warm(peer, 1_000_000);
            report(name, "990-of-1000", results);
            for (Object c : held) peer.release(c);
        }
        try (Peer peer = maker.make(10)) {
            handoff(peer, 1000, 100);
            for (int r = 0; r < rounds; r++) results[r] = handoff(peer, 1000, 200);
            report(name, "handoff-1000-over-10", results);
        }
    }

    public static void main(String[] args) throws Exception {
        Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        measure("hikaricp-2.7.9", PoolPeers::hikari);
        measure("commons-pool2-2.11.1", PoolPeers::commonsPool);
        System.exit(0);
    }
}
