// Command cspbench runs the csp-kit benchmark workloads on Go's native
// channels, for the Go columns of benchmarks/RESULTS.md. The harness
// (src/go.ts) builds it when `go` is on PATH and runs it twice per workload:
// with GOMAXPROCS=1, so goroutines interleave on one thread as JavaScript
// tasks do on the event loop, and with GOMAXPROCS=2 (the environment variable
// decides; this program does not override it).
//
// Each workload moves the values 0..n-1 and verifies the receivers' checksum
// (count, sum, xor), exactly as the TypeScript workloads do; a mismatch exits 1.
//
// Usage: cspbench -list | cspbench -workload W1 -n 1000000 -runs 5 [-warmup] [-impl go-2]
// Output: one line `RESULT {"workload":…,"impl":"go","n":…,"ns":[…]}` (impl: the -impl flag).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

type checksum struct{ count, sum, xor int64 }

func (c *checksum) add(v int) {
	c.count++
	c.sum += int64(v)
	c.xor ^= int64(v)
}

func (c *checksum) merge(o checksum) {
	c.count += o.count
	c.sum += o.sum
	c.xor ^= o.xor
}

func expected(n int) checksum {
	var c checksum
	for v := 0; v < n; v++ {
		c.add(v)
	}
	return c
}

// pipeline: `producers` goroutines send 0..n-1 between them (producer p sends
// p, p+P, ...); `consumers` goroutines receive n/C values each.
func pipeline(n, producers, consumers int, ch chan int) checksum {
	var wg sync.WaitGroup
	sums := make([]checksum, consumers)
	for c := 0; c < consumers; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < n/consumers; i++ {
				sums[c].add(<-ch)
			}
		}(c)
	}
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for v := p; v < n; v += producers {
				ch <- v
			}
		}(p)
	}
	wg.Wait()
	var total checksum
	for _, s := range sums {
		total.merge(s)
	}
	return total
}

// pingPong: n hops; ping sends k on a and waits for k+1 on b.
func pingPong(n int) checksum {
	a, b := make(chan int), make(chan int)
	var pingSum, pongSum checksum
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for k := 0; k < n/2; k++ {
			v := <-a
			pongSum.add(v)
			b <- v + 1
		}
	}()
	go func() {
		defer wg.Done()
		for k := 0; k < n; k += 2 {
			a <- k
			pingSum.add(<-b)
		}
	}()
	wg.Wait()
	pingSum.merge(pongSum)
	return pingSum
}

// ringSend is Go's idiom for a channel that drops the OLDEST value when full
// (one producer): try to send; if full, discard the oldest and retry.
func ringSend(ch chan int, v int) {
	for {
		select {
		case ch <- v:
			return
		default:
			select {
			case <-ch:
			default:
			}
		}
	}
}

// overflowSend is Go's idiom for a channel that drops the NEW value when full.
func overflowSend(ch chan int, v int) {
	select {
	case ch <- v:
	default:
	}
}

// bursts: the producer sends bursts of `burst` values without waiting, then
// waits for the consumer's acknowledgement that it received the whole burst.
func bursts(n, burst int, send func(chan int, int)) checksum {
	ch := make(chan int, burst)
	ack := make(chan int, 1)
	var sum checksum
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			sum.add(<-ch)
			if (i+1)%burst == 0 || i+1 == n {
				ack <- i
			}
		}
		close(done)
	}()
	for start := 0; start < n; start += burst {
		end := start + burst
		if end > n {
			end = n
		}
		for v := start; v < end; v++ {
			send(ch, v)
		}
		<-ack
	}
	<-done
	return sum
}

// fanIn: four producers, each on its own channel buffered 16 (producer p
// sends p, p+4, ...); one consumer selects over the four until it has n.
func fanIn(n int) checksum {
	var chs [4]chan int
	for p := range chs {
		chs[p] = make(chan int, 16)
	}
	for p := 0; p < 4; p++ {
		go func(p int) {
			for v := p; v < n; v += 4 {
				chs[p] <- v
			}
		}(p)
	}
	var sum checksum
	for i := 0; i < n; i++ {
		select {
		case v := <-chs[0]:
			sum.add(v)
		case v := <-chs[1]:
			sum.add(v)
		case v := <-chs[2]:
			sum.add(v)
		case v := <-chs[3]:
			sum.add(v)
		}
	}
	return sum
}

// lockedCounter: four goroutines each lock a sync.Mutex n/4 times and add
// their next value (goroutine t: t, t+4, ...) to the shared checksum inside.
func lockedCounter(n int) checksum {
	var mu sync.Mutex
	var sum checksum
	var wg sync.WaitGroup
	for t := 0; t < 4; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			for v := t; v < n; v += 4 {
				mu.Lock()
				sum.add(v)
				mu.Unlock()
			}
		}(t)
	}
	wg.Wait()
	return sum
}

// selectAgainstTimer: n times, put i on a channel buffered 1, then select
// between it and a fresh one-hour timer; the channel must win every time.
func selectAgainstTimer(n int) checksum {
	ready := make(chan int, 1)
	var sum checksum
	for i := 0; i < n; i++ {
		ready <- i
		select {
		case v := <-ready:
			sum.add(v)
		case <-time.After(time.Hour):
			fmt.Fprintln(os.Stderr, "the one-hour timer won the select")
			os.Exit(1)
		}
	}
	return sum
}

var workloads = map[string]func(n int) checksum{
	"W1":  func(n int) checksum { return pipeline(n, 1, 1, make(chan int)) },
	"W2":  func(n int) checksum { return pipeline(n, 1, 1, make(chan int, 1024)) },
	"W3":  func(n int) checksum { return pipeline(n, 4, 4, make(chan int, 128)) },
	"W4":  fanIn,
	"W5":  pingPong,
	"W6":  lockedCounter,
	"W7":  selectAgainstTimer,
	"W10": func(n int) checksum { return bursts(n, 1024, ringSend) },
	"W11": func(n int) checksum { return bursts(n, 1024, overflowSend) },
}

type sample struct {
	Workload string  `json:"workload"`
	Impl     string  `json:"impl"`
	N        int     `json:"n"`
	Ns       []int64 `json:"ns"`
	Procs    int     `json:"gomaxprocs"`
}

func main() {
	list := flag.Bool("list", false, "print the workload ids this program implements")
	id := flag.String("workload", "", "workload id, e.g. W1")
	n := flag.Int("n", 1000000, "messages (or hops) per run")
	runs := flag.Int("runs", 5, "measured runs")
	warmup := flag.Bool("warmup", false, "one untimed run of n/10 first")
	impl := flag.String("impl", "go", "the implementation id the result reports (the harness: go, go-2)")
	flag.Parse()

	if *list {
		ids := make([]string, 0, len(workloads))
		for k := range workloads {
			ids = append(ids, k)
		}
		sort.Strings(ids)
		fmt.Println(strings.Join(ids, ","))
		return
	}
	run, ok := workloads[*id]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown workload %q\n", *id)
		os.Exit(2)
	}
	if *warmup {
		wn := *n / 10
		if got, want := run(wn), expected(wn); got != want {
			fmt.Fprintf(os.Stderr, "%s go warm-up: checksum mismatch: got %+v, want %+v\n", *id, got, want)
			os.Exit(1)
		}
	}
	want := expected(*n)
	ns := make([]int64, 0, *runs)
	for i := 0; i < *runs; i++ {
		runtime.GC()
		t0 := time.Now()
		got := run(*n)
		elapsed := time.Since(t0)
		if got != want {
			fmt.Fprintf(os.Stderr, "%s go run %d: checksum mismatch: got %+v, want %+v\n", *id, i+1, got, want)
			os.Exit(1)
		}
		ns = append(ns, elapsed.Nanoseconds())
	}
	out, _ := json.Marshal(sample{Workload: *id, Impl: *impl, N: *n, Ns: ns, Procs: runtime.GOMAXPROCS(0)})
	fmt.Printf("RESULT %s\n", out)
}
