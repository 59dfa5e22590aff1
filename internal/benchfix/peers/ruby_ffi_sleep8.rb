# Usage: ruby ruby_ffi_sleep8.rb LIB (LIB: the bench fixture, internal/benchfix/bench.c built with cc -shared -fPIC).
# ruby-ffi's 8 x 1 ms concurrent native sleep, the way goractor bench measures
# its own: 8 long-lived threads each waiting for work, a batch sends one job to
# each and waits for 8 results; the first batch is dropped; median wall in ms.
require "ffi"
module Fix
  extend FFI::Library
  ffi_lib ARGV[0] || "/tmp/libbench.so"
  attach_function :sleep_ms, [:int], :int, blocking: true
end
def median(a) = a.sort[a.size / 2]
single = 21.times.map { t = Process.clock_gettime(Process::CLOCK_MONOTONIC); Fix.sleep_ms(1); (Process.clock_gettime(Process::CLOCK_MONOTONIC) - t) * 1e3 }
done = Queue.new
qs = 8.times.map { Queue.new }
ths = qs.map { |q| Thread.new { while (m = q.pop) != :stop; done << Fix.sleep_ms(1); end } }
walls = []
41.times do |b|
  t = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  qs.each { |q| q << b }
  8.times { done.pop }
  walls << (Process.clock_gettime(Process::CLOCK_MONOTONIC) - t) * 1e3 if b > 0
end
qs.each { |q| q << :stop }; ths.each(&:join)
printf("ruby.ffi.sleep_1ms_single %.3f ms\nruby.ffi.concurrent8_sleep_1ms_blocking.wall %.3f ms\n", median(single), median(walls))
