package io.postcopysim.scenarios;

/**
 * {@code --shard I/N}: this run takes failure points whose ordinal is I-1 modulo N. Points, not
 * cases, so all fault kinds of a point (and the stuck window's parts) stay in one shard.
 */
public record Shard(int index, int count) {
  public Shard {
    if (count < 1 || index < 1 || index > count) {
      throw new IllegalArgumentException("shard must be I/N with 1 <= I <= N, got "
          + index + "/" + count);
    }
  }

  public static Shard parse(String text) {
    String[] parts = text.split("/", -1);
    try {
      if (parts.length == 2) {
        return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("shard must be I/N (for example 2/8), got '" + text + "'");
  }

  public boolean takes(long pointOrdinal) {
    return pointOrdinal % count == index - 1;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
