using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Stratify.Parquet;

/// <summary>
/// The bytes of one Parquet file, read by position from any thread: either straight from the open file
/// (<see cref="Open"/>), or from a copy in memory made by reading the file once and hashing those very bytes
/// (<see cref="ReadAndHash"/>), so that a manifest's SHA-256 is of exactly what was decoded even if the file is
/// replaced during the run. Either way the file is opened once, and its length is fixed when it is opened.
/// </summary>
internal abstract class ParquetSource : IDisposable
{
    private ParquetSource(string path, long length)
    {
        Path = path;
        Length = length;
    }

    public string Path { get; }
    public long Length { get; }

    /// <summary>The SHA-256 of the bytes read, in lower-case hex; null when the source was not hashed.</summary>
    public string? Sha256 { get; private init; }

    /// <summary>Copies up to <paramref name="target"/>'s length from <paramref name="offset"/>; fewer only at the end.</summary>
    public abstract int ReadAt(long offset, Span<byte> target);

    /// <summary>
    /// The <paramref name="length"/> bytes at <paramref name="offset"/>: a view of the in-memory copy when they lie in
    /// one piece of it, else read into <paramref name="buffer"/> (pooled; grown as needed and owned by the caller).
    /// </summary>
    public virtual ReadOnlySpan<byte> Span(long offset, int length, ref byte[] buffer)
    {
        if (buffer.Length < length)
        {
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
            buffer = ArrayPool<byte>.Shared.Rent(length);
        }
        var target = buffer.AsSpan(0, length);
        ReadExactly(offset, target);
        return target;
    }

    public void ReadExactly(long offset, Span<byte> target)
    {
        if (offset < 0 || offset > Length - target.Length) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"a read of {target.Length:N0} bytes at byte {offset:N0} runs past the end of the file ({Length:N0} bytes)"));
        while (!target.IsEmpty)
        {
            int read = ReadAt(offset, target);
            if (read <= 0) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the file ends at byte {offset:N0}, before the {Length:N0} bytes it had when it was opened: it changed while it was read"));
            target = target[read..];
            offset += read;
        }
    }

    /// <summary>A read-only, seekable stream over the bytes (its own position; for Parquet.Net).</summary>
    public Stream OpenStream() => new SourceStream(this);

    public abstract void Dispose();

    /// <summary>
    /// Opens a regular file for reading by position. Devices, pipes and sockets (whose size the system reports as
    /// 0) and files too short to be Parquet are refused before they are opened, so nothing blocks or reads forever.
    /// </summary>
    public static ParquetSource Open(string path)
    {
        var handle = OpenRegular(path);
        return new FileSource(path, handle, RandomAccess.GetLength(handle));
    }

    /// <summary>Reads the whole file into memory once, hashing the bytes as they arrive.</summary>
    public static ParquetSource ReadAndHash(string path)
    {
        using var handle = OpenRegular(path);
        long length = RandomAccess.GetLength(handle);
        var segments = new byte[(int)((length + SegmentSize - 1) / SegmentSize)][];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long offset = 0;
        for (int s = 0; s < segments.Length; s++)
        {
            var segment = segments[s] = GC.AllocateUninitializedArray<byte>((int)Math.Min(SegmentSize, length - offset));
            for (int at = 0; at < segment.Length;)
            {
                int read = RandomAccess.Read(handle, segment.AsSpan(at, Math.Min(segment.Length - at, 1 << 22)), offset + at);
                if (read <= 0) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the file ends at byte {offset + at:N0}, before the {length:N0} bytes it had when it was opened: it changed while it was read"));
                at += read;
            }
            hash.AppendData(segment);
            offset += segment.Length;
        }
        return new MemorySource(path, segments, length) { Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) };
    }

    private const long SegmentSize = 1L << 30;

    private static SafeFileHandle OpenRegular(string path)
    {
        long size = RegularFile.SizeOf(path);
        if (size == 0) throw new ParquetFormatException("not a Parquet file: it is empty, or not a regular file (a device, a pipe or a socket)");
        if (size < 12) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"not a Parquet file: it is too short ({size} bytes)"));
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
    }

    private sealed class FileSource(string path, SafeFileHandle handle, long length) : ParquetSource(path, length)
    {
        public override int ReadAt(long offset, Span<byte> target) =>
            RandomAccess.Read(handle, target[..(int)Math.Min(target.Length, Math.Max(0, Length - offset))], offset);

        public override void Dispose() => handle.Dispose();
    }

    private sealed class MemorySource(string path, byte[][] segments, long length) : ParquetSource(path, length)
    {
        public override int ReadAt(long offset, Span<byte> target)
        {
            int copied = 0;
            while (copied < target.Length && offset < Length)
            {
                var segment = segments[offset / SegmentSize];
                int within = (int)(offset % SegmentSize);
                int count = Math.Min(target.Length - copied, segment.Length - within);
                segment.AsSpan(within, count).CopyTo(target[copied..]);
                copied += count;
                offset += count;
            }
            return copied;
        }

        public override ReadOnlySpan<byte> Span(long offset, int length, ref byte[] buffer)
        {
            if (offset >= 0 && offset <= Length - length)
            {
                var segment = segments[offset / SegmentSize];
                int within = (int)(offset % SegmentSize);
                if (within + length <= segment.Length) return segment.AsSpan(within, length);
            }
            return base.Span(offset, length, ref buffer);
        }

        public override void Dispose() { }
    }

    private sealed class SourceStream(ParquetSource source) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => source.Length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new IOException("a position before the start of the file");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= source.Length) return 0;
            int read = source.ReadAt(_position, buffer);
            _position += read;
            return read;
        }

        // Reads by position from memory or the page cache: done at once, as FileStream does for a file not opened for async I/O.
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellation = default) =>
            cancellation.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellation) : ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellation) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellation).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => source.Length + offset,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>What a path names, decided without opening it (opening a pipe blocks until a writer comes).</summary>
internal static class RegularFile
{
    /// <summary>
    /// The size in bytes of the file <paramref name="path"/> names, following symbolic links. The system reports a
    /// size of 0 for devices, pipes and sockets (and /proc files), so 0 means "empty or not a regular file".
    /// Throws <see cref="FileNotFoundException"/> when nothing is there (or a link dangles) and
    /// <see cref="IOException"/> for a loop of symbolic links.
    /// </summary>
    public static long SizeOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
            info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? throw new FileNotFoundException("a symbolic link to a folder", path);
        if (!info.Exists) throw new FileNotFoundException("no such file", path);
        return info.Length;
    }
}
