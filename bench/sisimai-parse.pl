#!/usr/bin/perl
# Times Sisimai (Debian's libsisimai-perl, 4.25) parsing bounce emails, for bench/bounce.ts.
#
#   perl bench/sisimai-parse.pl MIN_SECONDS FILE...
#
# Loads every file into memory first, parses them all once to warm up, then parses them again,
# pass after pass, until MIN_SECONDS have gone by. Each mail goes to Sisimai->make as a scalar
# reference (Sisimai::Mail::Memory in 4.25), so no file I/O and no perl start-up is timed.
# Prints one JSON line: {"version", "files", "mails", "seconds", "cpuSeconds", "mailsPerSecond", "recipients"}.
use strict;
use warnings;
use Time::HiRes qw(time);
use Sisimai;

my ($min_seconds, @files) = @ARGV;
die "usage: $0 MIN_SECONDS FILE...\n" unless defined $min_seconds && @files;

my @mails;
for my $file (@files) {
    open(my $fh, '<:raw', $file) or die "reading $file: $!\n";
    local $/;
    push @mails, scalar <$fh>;
    close $fh;
}

# One pass: every mail through Sisimai->make; returns the number of recipients found.
sub parse_all {
    my $recipients = 0;
    for my $mail (@mails) {
        my $data = $mail;    # Sisimai::Mail::Memory may consume what it is given: hand it a copy
        my $found = Sisimai->make(\$data, 'delivered' => 1);
        $recipients += scalar @$found if $found;
    }
    return $recipients;
}

my $recipients = parse_all();    # warm-up, and the count of recipients Sisimai finds
my $parsed = 0;
my $started = time;
my @cpu_started = times;
my $elapsed = 0;
while ($elapsed < $min_seconds) {
    parse_all();
    $parsed += scalar @mails;
    $elapsed = time - $started;
}
my @cpu_ended = times;
my $cpu = ($cpu_ended[0] - $cpu_started[0]) + ($cpu_ended[1] - $cpu_started[1]);

printf "{\"version\":\"%s\",\"files\":%d,\"mails\":%d,\"seconds\":%.3f,\"cpuSeconds\":%.3f,\"mailsPerSecond\":%.1f,\"recipients\":%d}\n",
    $Sisimai::VERSION, scalar @mails, $parsed, $elapsed, $cpu, $parsed / $elapsed, $recipients;
