#if TensorBoard   // the writer is built only with the package trait TensorBoard (`make test` enables it)
import Foundation
import Testing
@testable import LatentTensor
@testable import LatentTensorBoard

/// The record framing and the hand-written messages, read back on the Swift side.
@Suite struct EventFileTests {
    let tmp = TempFolder()

    /// A record is length (8 bytes LE), masked CRC of the length, data, masked CRC of the data.
    @Test func aRecordIsFramedAsTensorFlowDoes() throws {
        let data = Data("hello".utf8)
        let framed = [UInt8](EventRecord.frame(data))
        #expect(framed.count == 8 + 4 + 5 + 4)
        #expect(Array(framed[0..<8]) == [5, 0, 0, 0, 0, 0, 0, 0])
        #expect(EventRecord.word(framed, 8) == CRC32C.masked(CRC32C.checksum(framed[0..<8])))
        #expect(Array(framed[12..<17]) == Array(data))
        #expect(EventRecord.word(framed, 17) == CRC32C.masked(CRC32C.checksum(data)))
    }

    /// A writer killed mid-record leaves a tail that is not a whole record: the reader returns
    /// every whole record before it.
    @Test func aTruncatedTailLeavesEveryWholeRecord() throws {
        let records = [Data("one".utf8), Data(), Data(repeating: 7, count: 300)]
        let file = records.map(EventRecord.frame).reduce(Data(), +)
        let whole = try EventRecord.records(in: file)
        #expect(whole.records == records && !whole.truncated)
        // The frames are 19, 16 and 316 bytes: cutting up to 315 bytes tears only the last one.
        for cut in [1, 5, 12, 100, 315] {
            let partial = try EventRecord.records(in: file.prefix(file.count - cut))
            #expect(partial.records == Array(records.prefix(2)), "cut \(cut)")
            #expect(partial.truncated)
        }
        let intoSecond = try EventRecord.records(in: file.prefix(19 + 10))
        #expect(intoSecond.records == Array(records.prefix(1)) && intoSecond.truncated)
    }

    @Test func aFlippedBitFailsTheChecksum() throws {
        var file = EventRecord.frame(Data("payload".utf8))
        file[14] ^= 1
        #expect(throws: LatentError.self) { try EventRecord.records(in: file) }
        var header = EventRecord.frame(Data("payload".utf8))
        header[0] ^= 1
        #expect(throws: LatentError.self) { try EventRecord.records(in: header) }
    }

    /// Scalars, an image, text and a session log survive a write and a read through SwiftProtobuf.
    @Test func eventsRoundTripThroughAFile() throws {
        let board = try SummaryWriter(folder: tmp.file("tb"))
        board.clock = { Date(timeIntervalSince1970: 1_700_000_000.5) }
        try board.start(step: 1)
        try board.scalars(["epoch/loss": 2.5, "epoch/val_loss": -1.25], step: 40)
        try board.image("images/samples", png: Data([0x89, 0x50, 0x4E, 0x47]), width: 30, height: 20, channels: 1, step: 40)
        try board.text("options", "`latent train vae`", step: 1)
        let files = EventFileReader.files(in: tmp.file("tb"))
        #expect(files == [board.path])
        #expect(board.path.contains("/events.out.tfevents."))
        let events = try EventFileReader.events(at: board.path)
        #expect(events.count == 5)
        #expect(events[0].what == .fileVersion("brain.Event:2"))
        guard case .sessionLog(let log)? = events[1].what else { Issue.record("no session log"); return }
        #expect(log.status == TensorBoardSessionLog.start && events[1].step == 1)
        let scalars = try #require(events[2].summary).value
        #expect(scalars.map(\.tag) == ["epoch/loss", "epoch/val_loss"])
        #expect(scalars.map(\.kind) == [.simpleValue(2.5), .simpleValue(-1.25)])
        #expect(events[2].step == 40 && events[2].wallTime == 1_700_000_000.5)
        guard case .image(let image)? = try #require(events[3].summary).value.first?.kind else { Issue.record("no image"); return }
        #expect(image.width == 30 && image.height == 20 && image.colorspace == 1 && image.encodedImageString.count == 4)
        let textSummary = try #require(events[4].summary)
        let text = try #require(textSummary.value.first)
        #expect(text.metadata?.pluginData?.pluginName == "text")
        guard case .tensor(let tensor)? = text.kind else { Issue.record("no tensor"); return }
        #expect(tensor.dtype == TensorBoardTensor.dtString && tensor.tensorShape == TensorBoardTensorShape())
        #expect(tensor.stringVal == [Data("`latent train vae`".utf8)])
    }

    /// A second writer in the same folder and second never overwrites the first file.
    @Test func aSecondWriterStartsANewFile() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let a = try EventFileWriter(folder: tmp.file("tb"), now: now)
        let b = try EventFileWriter(folder: tmp.file("tb"), now: now)
        #expect(a.path != b.path)
        #expect(EventFileReader.files(in: tmp.file("tb")).count == 2)
    }

    /// Field numbers as in summary.proto: simple_value is field 2 (fixed32), the tag field 1.
    @Test func theWireFormatUsesTensorFlowsFieldNumbers() throws {
        let value = TensorBoardSummary.Value(tag: "a", kind: .simpleValue(1))
        let bytes = [UInt8](try value.serializedBytes() as Data)
        #expect(bytes == [0x0A, 0x01, 0x61, 0x15, 0x00, 0x00, 0x80, 0x3F])
        var shape = TensorBoardTensorShape()
        shape.dim = [3, 4]
        #expect(try TensorBoardTensorShape(serializedBytes: try shape.serializedBytes() as Data) == shape)
    }
}
#endif
