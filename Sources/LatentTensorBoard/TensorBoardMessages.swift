import Foundation
import SwiftProtobuf

// The few TensorFlow protocol buffer messages an event file needs, written by hand as
// SwiftProtobuf messages (generating them needs protoc and the Swift plugin, whose build
// is slow). Field numbers follow tensorflow/core/util/event.proto,
// tensorflow/core/framework/summary.proto, tensor.proto and tensor_shape.proto; fields
// Latent never writes are left out (a reader keeps them as unknown fields). Each name map
// is SwiftProtobuf's compact form: "\0", then per field 1 (next number, same JSON name),
// 2 + delta (same name, number + delta), 3 (next number, camel-case JSON name) or
// 4 + delta, the proto name and "\0".

private let protoPackage = "tensorflow"

/// `tensorflow.Event`: one record of an event file (a wall time, a step and one of: the
/// file's version, a summary, a session log).
///
/// ```swift
/// var e = TensorBoardEvent()
/// e.wallTime = Date().timeIntervalSince1970
/// e.what = .fileVersion("brain.Event:2")
/// let bytes: Data = try e.serializedBytes()
/// ```
public struct TensorBoardEvent: Hashable, Sendable {
    public enum What: Hashable, Sendable {
        case fileVersion(String)
        case summary(TensorBoardSummary)
        case sessionLog(TensorBoardSessionLog)
    }

    public var wallTime: Double = 0
    public var step: Int64 = 0
    public var what: What?
    public var unknownFields = UnknownStorage()

    public init() {}

    /// The summary this event carries, if any.
    public var summary: TensorBoardSummary? {
        if case .summary(let s)? = what { return s }
        return nil
    }
}

extension TensorBoardEvent: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.wallTime == b.wallTime && a.step == b.step && a.what == b.what && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".Event"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{3}wall_time\0\u{1}step\0\u{3}file_version\0\u{2}\u{2}summary\0\u{2}\u{2}session_log\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularDoubleField(value: &wallTime)
            case 2: try decoder.decodeSingularInt64Field(value: &step)
            case 3:
                var v: String?
                try decoder.decodeSingularStringField(value: &v)
                if let v { what = .fileVersion(v) }
            case 5:
                var v: TensorBoardSummary?
                if case .summary(let old)? = what { v = old }
                try decoder.decodeSingularMessageField(value: &v)
                if let v { what = .summary(v) }
            case 7:
                var v: TensorBoardSessionLog?
                if case .sessionLog(let old)? = what { v = old }
                try decoder.decodeSingularMessageField(value: &v)
                if let v { what = .sessionLog(v) }
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if wallTime != 0 { try visitor.visitSingularDoubleField(value: wallTime, fieldNumber: 1) }
        if step != 0 { try visitor.visitSingularInt64Field(value: step, fieldNumber: 2) }
        switch what {
        case .fileVersion(let v)?: try visitor.visitSingularStringField(value: v, fieldNumber: 3)
        case .summary(let v)?: try visitor.visitSingularMessageField(value: v, fieldNumber: 5)
        case .sessionLog(let v)?: try visitor.visitSingularMessageField(value: v, fieldNumber: 7)
        case nil: break
        }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `tensorflow.SessionLog`: status START at a step tells a reader to drop the points of
/// that step and later ones written before (a resumed run replays them).
public struct TensorBoardSessionLog: Hashable, Sendable {
    /// `SessionStatus`: 0 unspecified, 1 start, 2 stop, 3 checkpoint.
    public var status: Int32 = 0
    public var checkpointPath = ""
    public var msg = ""
    public var unknownFields = UnknownStorage()

    public static let start: Int32 = 1

    public init() {}
}

extension TensorBoardSessionLog: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.status == b.status && a.checkpointPath == b.checkpointPath && a.msg == b.msg && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".SessionLog"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}status\0\u{3}checkpoint_path\0\u{1}msg\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularInt32Field(value: &status)   // an enum on the wire is a varint
            case 2: try decoder.decodeSingularStringField(value: &checkpointPath)
            case 3: try decoder.decodeSingularStringField(value: &msg)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if status != 0 { try visitor.visitSingularInt32Field(value: status, fieldNumber: 1) }
        if !checkpointPath.isEmpty { try visitor.visitSingularStringField(value: checkpointPath, fieldNumber: 2) }
        if !msg.isEmpty { try visitor.visitSingularStringField(value: msg, fieldNumber: 3) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `tensorflow.Summary`: named values (scalars, images, tensors) of one step.
public struct TensorBoardSummary: Hashable, Sendable {
    public var value: [Value] = []
    public var unknownFields = UnknownStorage()

    public init() {}

    /// `tensorflow.Summary.Value`: a tag and one value.
    public struct Value: Hashable, Sendable {
        public enum Kind: Hashable, Sendable {
            case simpleValue(Float)
            case image(Image)
            case tensor(TensorBoardTensor)
        }

        public var tag = ""
        public var kind: Kind?
        public var metadata: TensorBoardSummaryMetadata?
        public var unknownFields = UnknownStorage()

        public init() {}

        public init(tag: String, kind: Kind, metadata: TensorBoardSummaryMetadata? = nil) {
            self.tag = tag
            self.kind = kind
            self.metadata = metadata
        }
    }

    /// `tensorflow.Summary.Image`: an encoded (PNG) image and its size.
    public struct Image: Hashable, Sendable {
        public var height: Int32 = 0
        public var width: Int32 = 0
        /// 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
        public var colorspace: Int32 = 0
        public var encodedImageString = Data()
        public var unknownFields = UnknownStorage()

        public init() {}
    }
}

extension TensorBoardSummary: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.value == b.value && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".Summary"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}value\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            if field == 1 { try decoder.decodeRepeatedMessageField(value: &value) }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !value.isEmpty { try visitor.visitRepeatedMessageField(value: value, fieldNumber: 1) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

extension TensorBoardSummary.Value: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.tag == b.tag && a.kind == b.kind && a.metadata == b.metadata && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".Summary.Value"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}tag\0\u{3}simple_value\0\u{2}\u{2}image\0\u{2}\u{4}tensor\0\u{1}metadata\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularStringField(value: &tag)
            case 2:
                var v: Float?
                try decoder.decodeSingularFloatField(value: &v)
                if let v { kind = .simpleValue(v) }
            case 4:
                var v: TensorBoardSummary.Image?
                if case .image(let old)? = kind { v = old }
                try decoder.decodeSingularMessageField(value: &v)
                if let v { kind = .image(v) }
            case 8:
                var v: TensorBoardTensor?
                if case .tensor(let old)? = kind { v = old }
                try decoder.decodeSingularMessageField(value: &v)
                if let v { kind = .tensor(v) }
            case 9: try decoder.decodeSingularMessageField(value: &metadata)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !tag.isEmpty { try visitor.visitSingularStringField(value: tag, fieldNumber: 1) }
        switch kind {
        case .simpleValue(let v)?: try visitor.visitSingularFloatField(value: v, fieldNumber: 2)
        case .image(let v)?: try visitor.visitSingularMessageField(value: v, fieldNumber: 4)
        case .tensor(let v)?: try visitor.visitSingularMessageField(value: v, fieldNumber: 8)
        case nil: break
        }
        if let metadata { try visitor.visitSingularMessageField(value: metadata, fieldNumber: 9) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

extension TensorBoardSummary.Image: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.height == b.height && a.width == b.width && a.colorspace == b.colorspace && a.encodedImageString == b.encodedImageString && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".Summary.Image"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}height\0\u{1}width\0\u{1}colorspace\0\u{3}encoded_image_string\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularInt32Field(value: &height)
            case 2: try decoder.decodeSingularInt32Field(value: &width)
            case 3: try decoder.decodeSingularInt32Field(value: &colorspace)
            case 4: try decoder.decodeSingularBytesField(value: &encodedImageString)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if height != 0 { try visitor.visitSingularInt32Field(value: height, fieldNumber: 1) }
        if width != 0 { try visitor.visitSingularInt32Field(value: width, fieldNumber: 2) }
        if colorspace != 0 { try visitor.visitSingularInt32Field(value: colorspace, fieldNumber: 3) }
        if !encodedImageString.isEmpty { try visitor.visitSingularBytesField(value: encodedImageString, fieldNumber: 4) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `tensorflow.SummaryMetadata`: which TensorBoard plugin shows a value (e.g. "text").
public struct TensorBoardSummaryMetadata: Hashable, Sendable {
    public var pluginData: PluginData?
    public var displayName = ""
    public var summaryDescription = ""
    public var unknownFields = UnknownStorage()

    public init() {}

    public init(plugin: String) { pluginData = PluginData(pluginName: plugin) }

    /// `tensorflow.SummaryMetadata.PluginData`.
    public struct PluginData: Hashable, Sendable {
        public var pluginName = ""
        public var content = Data()
        public var unknownFields = UnknownStorage()

        public init() {}

        public init(pluginName: String) { self.pluginName = pluginName }
    }
}

extension TensorBoardSummaryMetadata: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.pluginData == b.pluginData && a.displayName == b.displayName && a.summaryDescription == b.summaryDescription && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".SummaryMetadata"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{3}plugin_data\0\u{3}display_name\0\u{3}summary_description\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularMessageField(value: &pluginData)
            case 2: try decoder.decodeSingularStringField(value: &displayName)
            case 3: try decoder.decodeSingularStringField(value: &summaryDescription)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if let pluginData { try visitor.visitSingularMessageField(value: pluginData, fieldNumber: 1) }
        if !displayName.isEmpty { try visitor.visitSingularStringField(value: displayName, fieldNumber: 2) }
        if !summaryDescription.isEmpty { try visitor.visitSingularStringField(value: summaryDescription, fieldNumber: 3) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

extension TensorBoardSummaryMetadata.PluginData: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.pluginName == b.pluginName && a.content == b.content && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".SummaryMetadata.PluginData"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{3}plugin_name\0\u{1}content\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularStringField(value: &pluginName)
            case 2: try decoder.decodeSingularBytesField(value: &content)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !pluginName.isEmpty { try visitor.visitSingularStringField(value: pluginName, fieldNumber: 1) }
        if !content.isEmpty { try visitor.visitSingularBytesField(value: content, fieldNumber: 2) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `tensorflow.TensorProto`, only as far as a string tensor goes (a text summary): the
/// data type (`DT_STRING` = 7), the shape (empty: a scalar) and the strings.
public struct TensorBoardTensor: Hashable, Sendable {
    public var dtype: Int32 = 0
    public var tensorShape: TensorBoardTensorShape?
    public var stringVal: [Data] = []
    public var unknownFields = UnknownStorage()

    public static let dtString: Int32 = 7

    public init() {}

    /// A rank-0 string tensor holding `text`.
    public init(text: String) {
        dtype = Self.dtString
        tensorShape = TensorBoardTensorShape()
        stringVal = [Data(text.utf8)]
    }
}

extension TensorBoardTensor: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.dtype == b.dtype && a.tensorShape == b.tensorShape && a.stringVal == b.stringVal && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".TensorProto"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}dtype\0\u{3}tensor_shape\0\u{4}\u{6}string_val\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            switch field {
            case 1: try decoder.decodeSingularInt32Field(value: &dtype)   // an enum on the wire is a varint
            case 2: try decoder.decodeSingularMessageField(value: &tensorShape)
            case 8: try decoder.decodeRepeatedBytesField(value: &stringVal)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if dtype != 0 { try visitor.visitSingularInt32Field(value: dtype, fieldNumber: 1) }
        if let tensorShape { try visitor.visitSingularMessageField(value: tensorShape, fieldNumber: 2) }
        if !stringVal.isEmpty { try visitor.visitRepeatedBytesField(value: stringVal, fieldNumber: 8) }
        try unknownFields.traverse(visitor: &visitor)
    }
}

/// `tensorflow.TensorShapeProto`: the sizes of a tensor's dimensions (none for a scalar).
public struct TensorBoardTensorShape: Hashable, Sendable {
    public var dim: [Int64] = []
    public var unknownFields = UnknownStorage()

    public init() {}
}

extension TensorBoardTensorShape: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    public static func == (a: Self, b: Self) -> Bool { a.dim == b.dim && a.unknownFields == b.unknownFields }

    public static let protoMessageName = protoPackage + ".TensorShapeProto"
    public static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{2}\u{2}dim\0")

    public mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            if field == 2 {
                var dims: [Dim] = []
                try decoder.decodeRepeatedMessageField(value: &dims)
                dim += dims.map(\.size)   // a repeated field arrives one element at a time
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !dim.isEmpty { try visitor.visitRepeatedMessageField(value: dim.map { Dim(size: $0) }, fieldNumber: 2) }
        try unknownFields.traverse(visitor: &visitor)
    }

    /// `tensorflow.TensorShapeProto.Dim` (its size; the optional name is not written).
    struct Dim: Hashable, Sendable {
        var size: Int64 = 0
        var unknownFields = UnknownStorage()

        init() {}
        init(size: Int64) { self.size = size }
    }
}

extension TensorBoardTensorShape.Dim: Message, _MessageImplementationBase, _ProtoNameProviding {
    // Written out: the runtime's default == would call back into this one.
    static func == (a: Self, b: Self) -> Bool { a.size == b.size && a.unknownFields == b.unknownFields }

    static let protoMessageName = protoPackage + ".TensorShapeProto.Dim"
    static let _protobuf_nameMap = _NameMap(bytecode: "\0\u{1}size\0")

    mutating func decodeMessage<D: Decoder>(decoder: inout D) throws {
        while let field = try decoder.nextFieldNumber() {
            if field == 1 { try decoder.decodeSingularInt64Field(value: &size) }
        }
    }

    func traverse<V: Visitor>(visitor: inout V) throws {
        if size != 0 { try visitor.visitSingularInt64Field(value: size, fieldNumber: 1) }
        try unknownFields.traverse(visitor: &visitor)
    }
}
