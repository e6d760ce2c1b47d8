#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-only
#
# Write a small MaxMind-format database for tests, in the shape of GeoLite2's:
#
#   mkmmdb.pl city    OUT.mmdb NET=CC:City ...   (GeoLite2-City: country, city)
#   mkmmdb.pl country OUT.mmdb NET=CC ...        (GeoLite2-Country)
#   mkmmdb.pl asn     OUT.mmdb NET=ASN:Org ...   (GeoLite2-ASN)
#   mkmmdb.pl --type=DBIP-City-Lite city OUT.mmdb ...   (another database_type)
#
# NET is an IPv4 or IPv6 CIDR, e.g. 10.213.0.0/16=DE:Berlin or
# fd00:213::/64=64501:Example Net. Everything after the first ':' is the city or
# the organisation (UTF-8). The tree is IPv6 with IPv4 under ::/96 and aliased
# from ::ffff:0:0/96, as MaxMind's files are, so libmaxminddb finds IPv4 the
# way it does in real databases. Reserved ranges are kept: the tests use them.
# Exit status 2 if MaxMind::DB::Writer is missing (callers skip), 1 on misuse.
use strict;
use warnings;
use Encode qw(decode);

BEGIN {
	unless (eval { require MaxMind::DB::Writer::Tree; 1 }) {
		print STDERR "mkmmdb.pl: MaxMind::DB::Writer::Tree missing (libmaxmind-db-writer-perl)\n";
		exit 2;
	}
}

my %kinds = (
	city    => 'GeoLite2-City',
	country => 'GeoLite2-Country',
	asn     => 'GeoLite2-ASN',
);
my %types = (
	country                        => 'map',
	city                           => 'map',
	names                          => 'map',
	en                             => 'utf8_string',
	iso_code                       => 'utf8_string',
	autonomous_system_number       => 'uint32',
	autonomous_system_organization => 'utf8_string',
);

sub usage {
	print STDERR "usage: mkmmdb.pl [--type=TYPE] city|country|asn OUT.mmdb NET=VALUE...\n";
	exit 1;
}

my $type;
$type = substr(shift @ARGV, 7) if @ARGV && $ARGV[0] =~ /^--type=./;
my ($kind, $out, @nets) = @ARGV;
usage() unless defined $out && $kind && $kinds{$kind} && @nets;

my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version               => 6,
	record_size              => 24,
	database_type            => $type // $kinds{$kind},
	languages                => ['en'],
	description              => { en => "xdptop test $kind database" },
	map_key_type_callback    => sub { $types{ $_[0] } },
	alias_ipv6_to_ipv4       => 1,
	remove_reserved_networks => 0,
);

for my $arg (@nets) {
	my ($net, $val) = split /=/, $arg, 2;
	usage() unless defined $val && $net =~ m{/};
	my ($first, $rest) = split /:/, decode('UTF-8', $val), 2;
	my $data;
	if ($kind eq 'asn') {
		usage() unless $first =~ /^\d+$/;
		$data = { autonomous_system_number => $first + 0 };
		$data->{autonomous_system_organization} = $rest if defined $rest && $rest ne '';
	} else {
		usage() unless $first =~ /^[A-Z]{2}$/;
		$data = { country => { iso_code => $first } };
		$data->{city} = { names => { en => $rest } }
			if $kind eq 'city' && defined $rest && $rest ne '';
	}
	$tree->insert_network($net, $data);
}

open my $fh, '>:raw', "$out.tmp" or die "mkmmdb.pl: $out.tmp: $!\n";
$tree->write_tree($fh);
close $fh or die "mkmmdb.pl: $out.tmp: $!\n";
rename "$out.tmp", $out or die "mkmmdb.pl: $out: $!\n";
