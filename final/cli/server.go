package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"bytestream/final/atomicfile"
	"bytestream/final/frame"
	"bytestream/final/logging"
	"bytestream/final/server"
	"bytestream/final/units"
)

// runServer is `final server`: listen, serve until SIGINT or SIGTERM, then
// shut down gracefully.
func runServer(args []string) int {
	fs := newFlagSet("server", "[flags]")
	addr := fs.String("addr", server.DefaultAddr, "TCP `address` to listen on (port 0 picks a free port)")
	addrFile := fs.String("addr-file", "", "once listening, write the address to `file` (atomically), for scripts")
	maxPayload := size(frame.DefaultMaxPayload)
	fs.Var(&maxPayload, "max-payload", "largest frame payload accepted, e.g. 64KiB or 16MiB")
	budget := memory(server.DefaultPayloadBudget)
	fs.Var(&budget, "payload-budget", "payload memory all connections' TEXT and PING frames may hold at once; a frame beyond it gets a busy ERROR")
	idle := fs.Duration("idle-timeout", server.DefaultIdleTimeout, "close a connection with no frame started for this long")
	frameTimeout := fs.Duration("frame-timeout", server.DefaultFrameTimeout, "time a started frame has to arrive completely")
	writeTimeout := fs.Duration("write-timeout", server.DefaultWriteTimeout, "close a connection whose client stops reading for this long")
	maxConns := fs.Int("max-conns", 0, "refuse connections beyond this many at once (0 = no limit)")
	grace := fs.Duration("grace", defaultShutdownGrace, "on SIGINT/SIGTERM, time open connections get to finish")
	verbose := fs.Bool("v", false, "log every frame received and sent")
	var color logging.ColorMode
	fs.Var(&color, "color", "colour the log: auto (on a terminal, unless NO_COLOR is set), always or never")
	if exit, ok := parse(fs, args); !ok {
		return exit
	}
	for _, d := range []struct {
		name string
		val  time.Duration
	}{{"idle-timeout", *idle}, {"frame-timeout", *frameTimeout}, {"write-timeout", *writeTimeout}, {"grace", *grace}} {
		if d.val <= 0 {
			return usageError(fs, "-%s must be positive, not %v", d.name, d.val)
		}
	}
	if *addr == "" {
		// net.Listen would take "" as every interface and a random port.
		return usageError(fs, "-addr is empty: give host:port (:9000 listens on every interface)")
	}
	if maxPayload < 1 {
		return usageError(fs, "-max-payload must be at least 1 B")
	}
	if need := server.PayloadBudgetFor(int(maxPayload)); int64(budget) < need {
		return usageError(fs, "-payload-budget %s cannot hold one frame of -max-payload %s: that takes %s",
			budget.String(), maxPayload.String(), units.FormatSize(need))
	}
	if *maxConns < 0 {
		return usageError(fs, "-max-conns must not be negative")
	}

	log, closeLog := newLog(color, *verbose)
	defer closeLog()
	srv := &server.Server{
		MaxPayload:    int(maxPayload),
		PayloadBudget: int(budget),
		IdleTimeout:   *idle,
		FrameTimeout:  *frameTimeout,
		WriteTimeout:  *writeTimeout,
		MaxConns:      *maxConns,
		Logger:        log,
	}
	return serveUntilSignal(srv, *addr, *addrFile, *grace, log)
}

// defaultShutdownGrace is how long open connections get to finish after
// SIGINT or SIGTERM: enough for a client to take the answers it is owed,
// short enough for an operator who is waiting.
const defaultShutdownGrace = 5 * time.Second

func serveUntilSignal(srv *server.Server, addr, addrFile string, grace time.Duration, log *slog.Logger) int {
	// Catch signals before announcing the address: a script that reads the
	// address file and sends SIGINT at once must get a graceful shutdown.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	l, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error(err.Error())
		return 1
	}
	if addrFile != "" {
		remove, err := atomicfile.Publish(addrFile, []byte(l.Addr().String()+"\n"))
		if err != nil {
			l.Close()
			log.Error("-addr-file: " + err.Error())
			return 1
		}
		defer remove()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	select {
	case err := <-served:
		log.Error("serve: " + err.Error())
		return 1
	case <-ctx.Done():
	}
	stop()
	// A second Ctrl-C ends the grace period at once, the way a spent one
	// ends it, so the address file is still removed; a third kills the
	// process the usual way.
	again, stopAgain := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopAgain()
	context.AfterFunc(again, func() { stopAgain() })
	log.Info(fmt.Sprintf("shutting down: finishing open connections (grace %v)", grace))
	shutdownCtx, cancel := context.WithTimeout(again, grace)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	<-served
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		log.Warn("shutdown forced: connections still busy after the grace period were closed")
		return 1
	case errors.Is(err, context.Canceled):
		log.Warn("shutdown forced: a second signal closed the connections still busy")
		return 1
	}
	if err != nil {
		log.Error("shutdown: " + err.Error())
		return 1
	}
	log.Info("shutdown clean")
	return 0
}
