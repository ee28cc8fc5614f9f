using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Tests.Unpack;

public sealed class ReadAheadStreamTests
{
    [Fact]
    public async Task Read_GivesEveryByteInOrder_WhateverTheReadSizes()
    {
        var data = new byte[5_000_003];
        new Random(7).NextBytes(data);
        var ahead = new ReadAheadStream(new MemoryStream(data));
        await using (ahead)
        {
            var copy = new MemoryStream();
            var buffer = new byte[70_001];
            var sizes = new[] { 1, 4096, 70_001, 333 };
            for (var i = 0; ; i++)
            {
                var n = await ahead.ReadAsync(buffer.AsMemory(0, sizes[i % sizes.Length]));
                if (n == 0)
                {
                    break;
                }

                copy.Write(buffer, 0, n);
            }

            Assert.Equal(data, copy.ToArray());
        }
    }

    [Fact]
    public async Task Read_SourceFails_TheReaderGetsThatError()
    {
        var ahead = new ReadAheadStream(new FailingStream(3 << 20));
        await using (ahead)
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => ahead.CopyToAsync(Stream.Null));
            Assert.Equal("corrupt block", error.Message);
        }
    }

    [Fact]
    public async Task Dispose_BeforeTheEnd_StopsReadingTheSource()
    {
        var source = new MemoryStream(new byte[64 << 20]);
        var ahead = new ReadAheadStream(source, depth: 2);
        var first = new byte[10];
        await ahead.ReadExactlyAsync(first);

        await ahead.DisposeAsync();

        var position = source.Position;
        Assert.True(position < source.Length, "the producer should not have read everything");
        Assert.Equal(position, source.Position); // nobody reads it any more
    }

    /// <summary>Serves zeros, then throws as a decoder does on a corrupt block.</summary>
    private sealed class FailingStream(long good) : Stream
    {
        private long served;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (served >= good)
            {
                throw new InvalidDataException("corrupt block");
            }

            var n = (int)Math.Min(count, good - served);
            Array.Clear(buffer, offset, n);
            served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
