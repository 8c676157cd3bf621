package io.postcopysim.scenarios;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An output folder held by one pcsim at a time (an OS lock on {@value #NAME} inside it, freed
 * when the process ends, even by SIGKILL). The lock file stays: deleting it would let a third
 * process lock a new file while the second still holds the old one.
 */
public final class FolderLock implements AutoCloseable {
  public static final String NAME = ".pcsim-lock";

  private final FileChannel channel;
  private final FileLock lock;

  private FolderLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code dir} (creating it), or fails with a ScenarioException naming it. */
  public static FolderLock acquire(Path dir) throws IOException {
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(dir.resolve(NAME), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // held by this JVM (another command run in-process)
    }
    if (l == null) {
      ch.close();
      throw new ScenarioException(dir.toString(), 0, 0, "", "the folder is in use by another"
          + " pcsim run or merge; wait for it, or choose another --out");
    }
    return new FolderLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
